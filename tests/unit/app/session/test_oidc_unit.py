"""ID token validation, PKCE, loopback receiver and secret-store errors, with a local key."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import time
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from app.session.errors import (
    AudienceMismatch,
    AuthorizationDenied,
    BadSignature,
    DiscoveryError,
    IssuerMismatch,
    NonceMismatch,
    NotLoggedIn,
    OidcError,
    SecretStoreUnavailable,
    StateMismatch,
    TokenExpired,
    TokenInvalid,
    TokenRejected,
)
from app.session.loopback import LoopbackReceiver
from app.session.oidc import OidcClient, OidcConfig, PkcePair, ProviderMetadata, TokenSet
from app.session.tokens import TokenStore

ISSUER = "https://login.example.test"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _jwks() -> dict[str, Any]:
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key()))
    return {"keys": [{**jwk, "kid": "k1", "alg": "RS256", "use": "sig"}]}


def _provider(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/.well-known/openid-configuration":
        return httpx.Response(
            200,
            json={
                "issuer": ISSUER,
                "authorization_endpoint": f"{ISSUER}/auth",
                "token_endpoint": f"{ISSUER}/token",
                "jwks_uri": f"{ISSUER}/jwks",
                "code_challenge_methods_supported": ["S256"],
            },
        )
    if request.url.path == "/jwks":
        return httpx.Response(200, json=_jwks())
    return httpx.Response(404)


def _id_token(key: Any = KEY, *, kid: str = "k1", alg: str = "RS256", **claims: Any) -> str:
    now = int(time.time())
    body = {"iss": ISSUER, "sub": "u1", "aud": "app", "exp": now + 300, "iat": now, "nonce": "n"}
    body.update(claims)
    return jwt.encode(body, key, algorithm=alg, headers={"kid": kid})


@pytest.fixture
async def client():
    http = httpx.AsyncClient(transport=httpx.MockTransport(_provider))
    c = OidcClient(OidcConfig(issuer=ISSUER, client_id="app"), http=http)
    yield c
    await http.aclose()


async def test_valid_token_passes_and_each_bad_claim_has_its_error(client: OidcClient) -> None:
    claims = await client.validate_id_token(_id_token(), nonce="n")
    assert claims["sub"] == "u1"
    cases: list[tuple[str, type[Exception]]] = [
        (_id_token(iss="https://evil.test"), IssuerMismatch),
        (_id_token(aud="other"), AudienceMismatch),
        (_id_token(aud=["app", "other"], azp="other"), AudienceMismatch),
        (_id_token(exp=int(time.time()) - 120), TokenExpired),
        (_id_token(iat=int(time.time()) + 3600), TokenInvalid),
        (_id_token(nonce="replayed"), NonceMismatch),
        (_id_token(OTHER_KEY), BadSignature),
        (_id_token(OTHER_KEY, kid="unknown"), BadSignature),
        (_id_token(b"app" * 11, alg="HS256"), BadSignature),  # HMAC: refused
        ("not-a-jwt", TokenInvalid),
    ]
    for token, error in cases:
        with pytest.raises(error):
            await client.validate_id_token(token, nonce="n")
    unsigned = jwt.encode({"iss": ISSUER, "sub": "u1", "aud": "app"}, None, algorithm="none")
    with pytest.raises(BadSignature):
        await client.validate_id_token(unsigned, nonce=None)


def test_discovery_checks() -> None:
    good = {
        "issuer": ISSUER,
        "authorization_endpoint": "https://a/auth",
        "token_endpoint": "https://a/token",
        "jwks_uri": "https://a/jwks",
    }
    assert ProviderMetadata.parse(good, expected_issuer=ISSUER).token_endpoint == "https://a/token"
    with pytest.raises(IssuerMismatch):
        ProviderMetadata.parse(good, expected_issuer=ISSUER + "/")
    with pytest.raises(DiscoveryError):
        ProviderMetadata.parse({**good, "jwks_uri": None}, expected_issuer=ISSUER)
    with pytest.raises(DiscoveryError):
        ProviderMetadata.parse(
            {**good, "code_challenge_methods_supported": ["plain"]}, expected_issuer=ISSUER
        )
    with pytest.raises(DiscoveryError):
        ProviderMetadata.parse([], expected_issuer=ISSUER)


def test_pkce_s256_challenge_matches_rfc7636() -> None:
    pair = PkcePair.generate()
    assert 43 <= len(pair.verifier) <= 128
    digest = hashlib.sha256(pair.verifier.encode()).digest()
    assert pair.challenge == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert PkcePair.generate().verifier != pair.verifier


async def test_authorization_url_has_pkce_state_nonce(client: OidcClient) -> None:
    request = await client.begin("http://127.0.0.1:5555/callback")
    query = httpx.URL(request.url).params
    assert query["code_challenge_method"] == "S256"
    assert query["code_challenge"] == request.pkce.challenge
    assert query["state"] == request.state and query["nonce"] == request.nonce
    assert query["redirect_uri"] == "http://127.0.0.1:5555/callback"
    assert request.pkce.verifier not in request.url


def test_token_set_refresh_due_and_repr_hides_secrets() -> None:
    t = TokenSet("u1", ISSUER, "ACCESS", expires_at=1000.0, issued_at=700.0, refresh_token="R")
    assert "ACCESS" not in repr(t) and "R'" not in repr(t)
    assert not t.refresh_due(900.0)
    assert t.refresh_due(941.0)  # 60 s margin
    short = TokenSet("u1", ISSUER, "A", expires_at=1010.0, issued_at=1000.0)
    assert not short.refresh_due(1004.0) and short.refresh_due(1005.0)  # half of a short life
    assert TokenSet.from_json(t.to_json()) == t


async def test_loopback_accepts_only_the_callback_once() -> None:
    async with LoopbackReceiver() as rx:
        assert rx.redirect_uri.startswith("http://127.0.0.1:")
        async with httpx.AsyncClient(timeout=5) as http:
            assert (await http.get(f"http://127.0.0.1:{rx.port}/favicon.ico")).status_code == 404
            assert (await http.post(rx.redirect_uri)).status_code == 405
            bad = await http.get(rx.redirect_uri + "?state=a&state=b")
            assert bad.status_code == 400
            ok = await http.get(rx.redirect_uri + "?code=c1&state=s1")
            assert ok.status_code == 200 and "Accesso completato" in ok.text
            await http.get(rx.redirect_uri + "?code=c2&state=s2")
        params = await asyncio.wait_for(rx.wait(), 5)
    assert params.params == {"code": "c1", "state": "s1"}


async def test_without_a_secret_store_tokens_are_refused_with_a_clear_error() -> None:
    # conftest selects keyring's "fail" backend, as on a headless machine without one.
    store = TokenStore()
    t = TokenSet("u1", ISSUER, "A", expires_at=1.0, issued_at=0.0)
    with pytest.raises(SecretStoreUnavailable, match="secret store is not available"):
        await store.save(t)
    with pytest.raises(SecretStoreUnavailable):
        await store.load("u1")


class Memory:
    """A secret store in a dict (unit tests of the logic only)."""

    def __init__(self) -> None:
        self.items: dict[str, str] = {}

    async def get(self, name: str) -> str | None:
        return self.items.get(name)

    async def set(self, name: str, value: str) -> None:
        self.items[name] = value

    async def delete(self, name: str) -> None:
        self.items.pop(name, None)


async def test_long_tokens_are_split_for_small_secret_stores() -> None:
    memory = Memory()
    store = TokenStore(memory)  # type: ignore[arg-type]
    big = TokenSet("u1", ISSUER, "A" * 1500, 1.0, 0.0, refresh_token="R" * 900, id_token="I" * 1200)
    await store.save(big)
    assert len(memory.items) > 3 and all(len(v) <= 1000 for v in memory.items.values())
    assert await store.load("u1") == big
    small = TokenSet("u1", ISSUER, "A", 1.0, 0.0)
    await store.save(small)
    assert await store.load("u1") == small
    assert list(memory.items) == ["u1"]  # no piece of the older, longer tokens is left
    await store.delete("u1")
    await store.save(big)
    await store.delete("u1")
    assert memory.items == {}
    with pytest.raises(NotLoggedIn):
        await store.load("u1")


async def test_missing_or_foreign_tokens_mean_not_logged_in() -> None:
    memory = Memory()
    store = TokenStore(memory)  # type: ignore[arg-type]
    with pytest.raises(NotLoggedIn):
        await store.load("u1")
    memory.items["u1"] = "{broken"
    with pytest.raises(NotLoggedIn):
        await store.load("u1")
    memory.items["u1"] = TokenSet("u2", ISSUER, "A", expires_at=1.0, issued_at=0.0).to_json()
    with pytest.raises(NotLoggedIn):
        await store.load("u1")
    memory.items["u1"] = TokenSet("u1", ISSUER, "A", expires_at=1.0, issued_at=0.0).to_json()
    assert (await store.load("u1", issuer=ISSUER)).access_token == "A"
    with pytest.raises(NotLoggedIn, match="another login service"):
        await store.load("u1", issuer="https://demo.example/login")


async def test_fhir_client_sends_the_session_token_or_nothing() -> None:
    from app.backend.client import FhirClient

    seen: list[str | None] = []

    def server(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("Authorization"))
        return httpx.Response(200, json={"resourceType": "Patient", "id": "p1"})

    tokens = iter(["", "tok-1"])

    async def provider(*, force_refresh: bool) -> str:
        return next(tokens)

    client = FhirClient(
        "http://fhir.test/fhir", token_provider=provider, transport=httpx.MockTransport(server)
    )
    try:
        await client.read("Patient", "p1")  # nobody logged in online: anonymous
        await client.read("Patient", "p1")
    finally:
        await client.aclose()
    assert seen == [None, "Bearer tok-1"]


def _token_provider(token_response: httpx.Response | Exception):
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/token":
            if isinstance(token_response, Exception):
                raise token_response
            return token_response
        return _provider(request)

    return handler


@pytest.mark.parametrize(
    ("answer", "error", "code"),
    [
        (httpx.Response(502, text="<html>Bad gateway</html>"), TokenRejected, "invalid_response"),
        (httpx.Response(400, json={"error": "invalid_grant"}), TokenRejected, "invalid_grant"),
        (
            httpx.Response(200, json={"access_token": "a", "token_type": "mac"}),
            TokenRejected,
            "unsupported_token_type",
        ),
        (httpx.Response(200, json={"token_type": "Bearer"}), TokenRejected, "invalid_response"),
        (
            httpx.Response(200, json={"access_token": "a", "token_type": "Bearer"}),
            TokenInvalid,
            None,
        ),
        (httpx.ConnectError("refused"), OidcError, None),
    ],
)
async def test_bad_token_endpoint_answers_are_typed_errors(
    answer: httpx.Response | Exception, error: type[Exception], code: str | None
) -> None:
    http = httpx.AsyncClient(transport=httpx.MockTransport(_token_provider(answer)))
    client = OidcClient(OidcConfig(issuer=ISSUER, client_id="app"), http=http)
    try:
        request = await client.begin("http://127.0.0.1:1/callback")
        with pytest.raises(error) as info:
            await client.complete(request, {"state": request.state, "code": "c"})
        if code is not None:
            assert info.value.error == code  # type: ignore[attr-defined]
    finally:
        await http.aclose()


async def test_unreachable_or_broken_discovery_is_a_discovery_error() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out")

    def html(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="<html>captive portal</html>")

    for handler in (down, html, lambda r: httpx.Response(503)):
        http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
        client = OidcClient(OidcConfig(issuer=ISSUER, client_id="app"), http=http)
        with pytest.raises(DiscoveryError):
            await client.metadata()
        await http.aclose()


async def test_login_answer_checks_state_issuer_and_error() -> None:
    http = httpx.AsyncClient(transport=httpx.MockTransport(_provider))
    client = OidcClient(OidcConfig(issuer=ISSUER, client_id="app"), http=http)
    try:
        request = await client.begin("http://127.0.0.1:1/callback")
        ok_state = {"state": request.state}
        with pytest.raises(StateMismatch):
            await client.complete(request, {"state": "x", "code": "c"})
        with pytest.raises(IssuerMismatch):  # RFC 9207 mix-up defence
            await client.complete(request, {**ok_state, "code": "c", "iss": "https://evil.test"})
        with pytest.raises(AuthorizationDenied) as denied:
            await client.complete(request, {**ok_state, "error": "access_denied"})
        assert denied.value.error == "access_denied"
        with pytest.raises(OidcError, match="no authorization code"):
            await client.complete(request, ok_state)
    finally:
        await http.aclose()


async def test_loopback_drops_an_oversized_request() -> None:
    async with LoopbackReceiver(read_timeout_s=2) as rx:
        reader, writer = await asyncio.open_connection("127.0.0.1", rx.port)
        writer.write(b"GET /callback?code=" + b"A" * 100_000 + b" HTTP/1.1\r\n\r\n")
        await writer.drain()
        assert await asyncio.wait_for(reader.read(), 5) == b""  # closed without an answer
        writer.close()
        await writer.wait_closed()
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(rx.wait(), 0.2)  # and no login answer was taken from it


async def test_a_stale_provider_session_is_refused_when_login_is_forced() -> None:
    nonce_box: dict[str, str] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/token":
            old = int(time.time()) - 3600  # authenticated an hour ago: someone else, maybe
            token = _id_token(nonce=nonce_box["nonce"], auth_time=old)
            return httpx.Response(
                200, json={"access_token": "a", "token_type": "Bearer", "id_token": token}
            )
        return _provider(request)

    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    client = OidcClient(OidcConfig(issuer=ISSUER, client_id="app"), http=http)
    try:
        request = await client.begin("http://127.0.0.1:1/callback")
        assert httpx.URL(request.url).params["prompt"] == "login consent"
        nonce_box["nonce"] = request.nonce
        with pytest.raises(TokenInvalid, match="stale session"):
            await client.complete(request, {"state": request.state, "code": "c"})
    finally:
        await http.aclose()
