"""The real RFC 8252 login against npm ``oidc-provider`` on loopback, driven headless.

The app side is exactly what the workstation runs (loopback receiver, PKCE, state/nonce, ID token
validation against the provider's JWKS, tokens in gnome-keyring); the test plays the user in the
browser.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import httpx
import keyring
import pytest

from app.session.errors import (
    AudienceMismatch,
    AuthorizationDenied,
    BadSignature,
    IssuerMismatch,
    LoginTimeout,
    ReauthenticationRequired,
    StateMismatch,
    TokenExpired,
    TokenRejected,
)
from app.session.oidc import OidcClient, OidcConfig, TokenSet
from app.session.tokens import TokenManager, TokenStore
from tests.fixtures.secret_service import SecretServiceSession
from tests.integration.login.browser import HeadlessBrowser
from tests.integration.login.conftest import CLIENT_ID

pytestmark = pytest.mark.integration


@pytest.fixture
async def browser() -> AsyncIterator[HeadlessBrowser]:
    b = HeadlessBrowser(login="prac-ifec-colombo")
    yield b
    await b.aclose()


@pytest.fixture
async def client(issuer: str) -> AsyncIterator[OidcClient]:
    c = OidcClient(OidcConfig(issuer=issuer, client_id=CLIENT_ID, login_timeout_s=30))
    yield c
    await c.aclose()


async def _userinfo(issuer: str, access_token: str) -> httpx.Response:
    async with httpx.AsyncClient(timeout=10) as http:
        return await http.get(f"{issuer}/me", headers={"Authorization": f"Bearer {access_token}"})


def _files_containing(root: Path, needles: list[str]) -> list[Path]:
    found = []
    for path in root.rglob("*"):
        if path.is_file() and "keyrings" not in path.parts:
            data = path.read_bytes()
            if any(n.encode() in data for n in needles):
                found.append(path)
    return found


class FakeClock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


async def test_login_in_the_browser_keeps_tokens_only_in_the_secret_store(
    client: OidcClient, browser: HeadlessBrowser, issuer: str, secret_service: SecretServiceSession,
    telemed_home: Path, tmp_path: Path,
) -> None:  # fmt: skip
    tokens = await client.login(browser)

    assert browser.pages_seen == ["login", "consent"]
    assert tokens.subject == "prac-ifec-colombo"
    assert tokens.display_name == "Test prac-ifec-colombo"
    assert tokens.refresh_token and tokens.id_token
    assert tokens.access_token not in repr(tokens)
    me = await _userinfo(issuer, tokens.access_token)
    assert me.status_code == 200 and me.json()["sub"] == "prac-ifec-colombo"

    store = TokenStore()
    await store.save(tokens)
    assert type(keyring.get_keyring()).__module__ == "keyring.backends.SecretService"
    assert await store.load("prac-ifec-colombo") == tokens
    # Nothing of the tokens lands in files of the app (or anywhere under the test's tmp dir but
    # the keyring's own encrypted file).
    secrets = [tokens.access_token, tokens.refresh_token, tokens.id_token]
    assert await asyncio.to_thread(_files_containing, tmp_path, secrets) == []


async def test_refresh_happens_before_expiry_and_rotated_refresh_token_cannot_be_replayed(
    issuer: str, browser: HeadlessBrowser, secret_service: SecretServiceSession
) -> None:
    clock = FakeClock()
    client = OidcClient(OidcConfig(issuer=issuer, client_id=CLIENT_ID), clock=clock)
    try:
        first = await client.login(browser)
        store = TokenStore()
        await store.save(first)
        manager = TokenManager(client=client, store=store, subject=first.subject, clock=clock)

        assert await manager() == first.access_token
        assert manager.refresh_count == 0
        clock.now = first.expires_at - 30  # inside the refresh margin, not yet expired
        second_token = await manager()
        assert manager.refresh_count == 1
        assert second_token != first.access_token
        assert (await _userinfo(issuer, second_token)).status_code == 200
        stored = await store.load(first.subject)
        assert stored.access_token == second_token
        assert stored.refresh_token != first.refresh_token  # rotated

        with pytest.raises(ReauthenticationRequired):
            await client.refresh(first)  # the old refresh token was consumed
    finally:
        await client.aclose()


async def test_expired_access_token_is_refused_by_the_server_and_refreshed(
    provider_factory: Callable[..., AbstractContextManager[str]],
    browser: HeadlessBrowser,
    secret_service: SecretServiceSession,
) -> None:
    with provider_factory(access_ttl_s=2) as short_issuer:
        client = OidcClient(OidcConfig(issuer=short_issuer, client_id=CLIENT_ID))
        try:
            tokens = await client.login(browser)
            store = TokenStore()
            await store.save(tokens)
            for _ in range(80):  # the provider's clock decides; bounded at 20 s
                if (await _userinfo(short_issuer, tokens.access_token)).status_code == 401:
                    break
                await asyncio.sleep(0.25)
            else:
                pytest.fail("the access token did not expire at the provider")
            manager = TokenManager(client=client, store=store, subject=tokens.subject)
            fresh = await manager()
            assert manager.refresh_count == 1
            assert (await _userinfo(short_issuer, fresh)).status_code == 200
        finally:
            await client.aclose()


async def test_expired_id_token_is_rejected(
    issuer: str, client: OidcClient, browser: HeadlessBrowser
) -> None:
    tokens = await client.login(browser)
    assert tokens.id_token is not None
    later = FakeClock()
    later.now += 600 + 31  # the provider's ID token lifetime plus more than the leeway
    checker = OidcClient(OidcConfig(issuer=issuer, client_id=CLIENT_ID), clock=later)
    try:
        with pytest.raises(TokenExpired):
            await checker.validate_id_token(tokens.id_token, nonce=None)
    finally:
        await checker.aclose()


async def test_a_replayed_code_is_rejected_and_revokes_what_it_gave(
    issuer: str, client: OidcClient, browser: HeadlessBrowser
) -> None:
    request = await client.begin("http://127.0.0.1:9/callback")
    redirect = await browser.open(request.url, deliver=False)
    params = dict(parse_qsl(urlsplit(redirect).query))
    assert params["iss"] == issuer

    tokens: TokenSet = await client.complete(request, params)
    with pytest.raises(TokenRejected) as info:
        await client.complete(request, params)
    assert info.value.error == "invalid_grant"
    # oidc-provider revokes the tokens of a code that is used twice.
    assert (await _userinfo(issuer, tokens.access_token)).status_code == 401


async def test_a_forged_state_is_rejected_before_the_code_is_used(
    issuer: str, client: OidcClient, browser: HeadlessBrowser
) -> None:
    request = await client.begin("http://127.0.0.1:9/callback")
    params = dict(parse_qsl(urlsplit(await browser.open(request.url, deliver=False)).query))
    with pytest.raises(StateMismatch):
        await client.complete(request, {**params, "state": "attacker"})
    assert (await client.complete(request, params)).subject == "prac-ifec-colombo"


async def test_token_for_another_audience_is_rejected(
    issuer: str, client: OidcClient, browser: HeadlessBrowser
) -> None:
    other = OidcClient(OidcConfig(issuer=issuer, client_id="other-app"))
    try:
        other_tokens = await other.login(browser)
    finally:
        await other.aclose()
    assert other_tokens.id_token is not None
    with pytest.raises(AudienceMismatch):
        await client.validate_id_token(other_tokens.id_token, nonce=None)


async def test_wrong_issuer_is_rejected(
    issuer: str,
    browser: HeadlessBrowser,
    provider_factory: Callable[..., AbstractContextManager[str]],
) -> None:
    # Configured issuer differs from what the provider says it is.
    impostor = OidcClient(OidcConfig(issuer=issuer + "/", client_id=CLIENT_ID))
    try:
        with pytest.raises(IssuerMismatch):
            await impostor.login(browser)
    finally:
        await impostor.aclose()
    # An ID token of another provider does not verify against this provider's keys.
    with provider_factory() as other_issuer:
        other = OidcClient(OidcConfig(issuer=other_issuer, client_id=CLIENT_ID))
        ours = OidcClient(OidcConfig(issuer=issuer, client_id=CLIENT_ID))
        try:
            foreign = await other.login(browser)
            assert foreign.id_token is not None
            with pytest.raises((BadSignature, IssuerMismatch)):
                await ours.validate_id_token(foreign.id_token, nonce=None)
        finally:
            await other.aclose()
            await ours.aclose()


async def test_provider_error_and_silent_browser_are_reported(issuer: str) -> None:
    silent_login = OidcClient(
        OidcConfig(issuer=issuer, client_id=CLIENT_ID, extra_auth_params={"prompt": "none"})
    )
    anonymous = HeadlessBrowser(login="nobody")
    try:
        with pytest.raises(AuthorizationDenied) as info:
            await silent_login.login(anonymous)  # no session at the provider: login_required
        assert info.value.error == "login_required"
    finally:
        await silent_login.aclose()
        await anonymous.aclose()

    async def never_answers(url: str) -> None:
        return None

    waiting = OidcClient(OidcConfig(issuer=issuer, client_id=CLIENT_ID, login_timeout_s=0.5))
    try:
        with pytest.raises(LoginTimeout):
            await waiting.login(never_answers)
    finally:
        await waiting.aclose()


async def test_an_ended_regional_session_is_announced_once(
    issuer: str, browser: HeadlessBrowser, secret_service: SecretServiceSession, tmp_path: Path
) -> None:
    from app.events import Event
    from app.session.errors import NotLoggedIn
    from app.session.events import SessionDidExpire
    from app.session.manager import SessionManager
    from app.session.offline import OfflineUnlock

    events: list[Event] = []
    client = OidcClient(OidcConfig(issuer=issuer, client_id=CLIENT_ID))
    store = TokenStore()
    session = SessionManager(
        publish=events.append,
        offline=OfflineUnlock(tmp_path / "offline"),
        token_store=store,
        oidc=client,
    )
    try:
        identity = await session.login(browser)
        first = await session.bearer_token()
        assert (await _userinfo(issuer, first)).status_code == 200
        # Someone (another app, an admin) used the refresh token: the provider ends the grant.
        await client.refresh(await store.load(identity.subject))
        with pytest.raises(ReauthenticationRequired):
            await session.bearer_token(force_refresh=True)
        assert [e for e in events if isinstance(e, SessionDidExpire)] == [
            SessionDidExpire(identity.subject)
        ]
        with pytest.raises(NotLoggedIn):  # no more retries with dead tokens
            await session.bearer_token()
        await session.login(browser)  # a new browser login brings the tokens back
        assert (await _userinfo(issuer, await session.bearer_token())).status_code == 200
    finally:
        await session.shutdown()


async def test_the_next_clinician_in_the_same_browser_must_log_in(
    issuer: str, client: OidcClient
) -> None:
    shared = HeadlessBrowser(login="prac-ifec-colombo")  # one system browser, one cookie jar
    lax = OidcClient(OidcConfig(issuer=issuer, client_id=CLIENT_ID, force_login=False))
    try:
        first = await client.login(shared)
        shared.login = "prac-mmg-bianchi"  # the next person at the shared station
        second = await client.login(shared)
        assert (first.subject, second.subject) == ("prac-ifec-colombo", "prac-mmg-bianchi")
        assert shared.pages_seen.count("login") == 2  # asked again, not recognised by cookie
        # The hazard prompt=login prevents: the provider's session cookie answers for whoever
        # logged in last, without asking who is at the keyboard now.
        shared.login = "prac-farm-ferrari"
        third = await lax.login(shared)
        assert third.subject == "prac-mmg-bianchi"
    finally:
        await shared.aclose()
        await lax.aclose()
