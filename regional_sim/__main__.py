"""Command line entry point: ``python -m regional_sim`` / ``regional-sim``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import ssl
import sys
from pathlib import Path

from aiohttp import web

from .app import create_app
from .config import SimConfig

__all__ = ["main"]


def _parse(argv: list[str] | None) -> tuple[SimConfig, argparse.Namespace]:
    parser = argparse.ArgumentParser(prog="regional_sim", description="Reference regional backend")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    parser.add_argument("--db", required=True, type=Path, help="SQLite database file")
    parser.add_argument("--seed", choices=["demo"], default=None)
    parser.add_argument("--turn-secret", default=None, help="coturn static-auth-secret")
    parser.add_argument("--turn-uri", action="append", default=[], help="repeatable")
    parser.add_argument("--stun-uri", action="append", default=[], help="repeatable")
    parser.add_argument("--turn-ttl", type=int, default=3600, help="credential lifetime (s)")
    parser.add_argument(
        "--strict-codice-fiscale",
        action="store_true",
        help="reject Patients whose codice fiscale is invalid or disagrees with sex/birth date",
    )
    parser.add_argument(
        "--tls-cert", type=Path, default=None, help="PEM certificate chain: serve HTTPS"
    )
    parser.add_argument("--tls-key", type=Path, default=None, help="PEM private key for --tls-cert")
    args = parser.parse_args(argv)
    if (args.tls_cert is None) != (args.tls_key is None):
        parser.error("--tls-cert and --tls-key go together")
    config = SimConfig(
        db_path=args.db,
        seed=args.seed,
        turn_secret=args.turn_secret,
        turn_uris=tuple(args.turn_uri),
        stun_uris=tuple(args.stun_uri),
        turn_ttl_s=args.turn_ttl,
        strict_codice_fiscale=args.strict_codice_fiscale,
    )
    return config, args


async def _serve(config: SimConfig, args: argparse.Namespace) -> None:
    host, port = str(args.host), int(args.port)
    ssl_context: ssl.SSLContext | None = None
    if args.tls_cert is not None:
        ssl_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ssl_context.load_cert_chain(args.tls_cert, args.tls_key)
    app = create_app(config)
    # No access log: URLs carry search parameters such as codici fiscali.
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port, ssl_context=ssl_context)
    await site.start()
    real_port = port
    for address in runner.addresses:
        if isinstance(address, tuple) and len(address) >= 2:
            real_port = int(address[1])
            break
    scheme = "https" if ssl_context is not None else "http"
    print(f"regional_sim listening on {scheme}://{host}:{real_port}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def main(argv: list[str] | None = None) -> int:
    """Run the server until SIGINT/SIGTERM; returns the exit status."""
    config, args = _parse(argv)
    asyncio.run(_serve(config, args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
