"""Login costs: offline PIN unlock (scrypt N=2^15, r=8: 32 MiB) against a peer memory-hard KDF,
and a whole RFC 8252 login against the demo provider against the bare HTTP exchanges.

1. ``OfflineUnlock.unlock`` with the production parameters vs argon2-cffi's ``PasswordHasher``
   defaults (argon2id, 64 MiB, t=3, p=4; the OWASP-recommended peer) verifying a password.
2. ``OidcClient.login(demo_browser(...))`` against a fresh regional_sim (loopback receiver, PKCE,
   ID token signature/claims checks) vs the same HTTP requests done raw with httpx (discovery,
   authorize, token, jwks) without any checks: the ratio is the client's own overhead.

Prints the medians and ratios. Usage: .venv/bin/python bench/login_unlock.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402
from argon2 import PasswordHasher  # noqa: E402

from app.session.demo import demo_browser  # noqa: E402
from app.session.manager import oidc_config_for  # noqa: E402
from app.session.offline import Identity, OfflineUnlock  # noqa: E402
from app.session.oidc import OidcClient, PkcePair  # noqa: E402
from tests.integration.regional_sim_process import regional_sim  # noqa: E402


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


async def bench_unlock(rounds: int, directory: Path) -> tuple[float, float]:
    unlock = OfflineUnlock(directory)
    who = Identity("prac-ifec-colombo", "", "bench")
    await unlock.enroll(who, "correct horse battery")
    ours = []
    for _ in range(rounds):
        t = time.perf_counter()
        await unlock.unlock(who.subject, "correct horse battery")
        ours.append(time.perf_counter() - t)
    hasher = PasswordHasher()
    digest = hasher.hash("correct horse battery")
    peer = []
    for _ in range(rounds):
        t = time.perf_counter()
        await asyncio.to_thread(hasher.verify, digest, "correct horse battery")
        peer.append(time.perf_counter() - t)
    return median_ms(ours), median_ms(peer)


async def raw_login(base: str, http: httpx.AsyncClient) -> None:
    issuer = f"{base}/login"
    meta = (await http.get(f"{issuer}/.well-known/openid-configuration")).json()
    pkce = PkcePair.generate()
    redirect = "http://127.0.0.1:9/callback"
    answer = await http.get(
        meta["authorization_endpoint"],
        params={
            "response_type": "code",
            "client_id": "telemed-workstation",
            "redirect_uri": redirect,
            "scope": "openid profile offline_access",
            "state": "s",
            "nonce": "n",
            "code_challenge": pkce.challenge,
            "code_challenge_method": "S256",
            "login_hint": "prac-ifec-colombo",
        },
    )
    code = dict(parse_qsl(urlsplit(answer.headers["location"]).query))["code"]
    await http.post(
        meta["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect,
            "client_id": "telemed-workstation",
            "code_verifier": pkce.verifier,
        },
    )
    await http.get(meta["jwks_uri"])


async def bench_login(rounds: int, base: str) -> tuple[float, float]:
    ours = []
    for _ in range(rounds):
        client = OidcClient(oidc_config_for(base))  # fresh: discovery and keys every time
        t = time.perf_counter()
        await client.login(demo_browser("prac-ifec-colombo"))
        ours.append(time.perf_counter() - t)
        await client.aclose()
    peer = []
    for _ in range(rounds):
        async with httpx.AsyncClient(timeout=10) as http:
            t = time.perf_counter()
            await raw_login(base, http)
            peer.append(time.perf_counter() - t)
    return median_ms(ours), median_ms(peer)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ours, peer = asyncio.run(bench_unlock(args.rounds, Path(tmp) / "offline"))
        print(f"offline PIN unlock (scrypt 32 MiB): {ours:.1f} ms median")
        print(f"peer argon2id verify (64 MiB, t=3): {peer:.1f} ms median")
        print(f"ratio scrypt/argon2id: {ours / peer:.2f}x")
        with regional_sim(Path(tmp) / "sim.sqlite3", extra_args=["--seed", "demo"]) as sim:
            asyncio.run(bench_login(2, sim.url))  # warm-up (first key generation, imports)
            ours, peer = asyncio.run(bench_login(args.rounds, sim.url))
        print(f"demo login, full RFC 8252 client: {ours:.1f} ms median")
        print(f"peer raw HTTP exchange (no checks): {peer:.1f} ms median")
        print(f"ratio client/raw: {ours / peer:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
