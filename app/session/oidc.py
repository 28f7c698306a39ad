"""OpenID Connect for a native app (RFC 8252): authorization code + PKCE S256, system browser,
loopback redirect on a random port.

The flow: :meth:`OidcClient.login` opens a :class:`~app.session.loopback.LoopbackReceiver` on
``127.0.0.1:0``, builds the authorization URL with a fresh ``state``, ``nonce`` and PKCE pair,
hands it to the injected :data:`BrowserOpener` (the system browser in the app, a headless driver in
tests), waits (bounded) for the redirect, checks ``state`` (and ``iss``, RFC 9207), exchanges the
code with the verifier, and validates the ID token: signature against the provider's JWKS,
``iss``, ``aud``/``azp``, ``exp``/``iat`` with a small leeway on the injected clock, ``nonce``.

Tokens leave this module as :class:`TokenSet`, which never prints them; only
:mod:`app.session.tokens` stores them (in the OS secret store).

Thread affinity: every coroutine runs on the core loop.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import functools
import hashlib
import hmac
import json
import logging
import secrets
import ssl
import time
import webbrowser
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt

from app.logs import safe
from app.session.errors import (
    AudienceMismatch,
    AuthorizationDenied,
    BadSignature,
    DiscoveryError,
    IssuerMismatch,
    LoginTimeout,
    NonceMismatch,
    OidcError,
    ReauthenticationRequired,
    StateMismatch,
    TokenExpired,
    TokenInvalid,
    TokenRejected,
)
from app.session.loopback import LoopbackReceiver

_log = logging.getLogger(__name__)

BrowserOpener = Callable[[str], Awaitable[object]]
"""Opens the authorization URL in the user's browser; may return before the login completes."""


async def open_system_browser(url: str) -> None:
    """The app's :data:`BrowserOpener`: the user's default browser (RFC 8252 §8.12).

    Raises :class:`OidcError` when the system has no browser to open.
    """
    if not await asyncio.to_thread(webbrowser.open, url):
        raise OidcError("no web browser could be opened on this computer")


@functools.cache
def tls_context() -> ssl.SSLContext:
    """One verifying TLS context for every login HTTP client (building one costs ~65 ms here)."""
    return httpx.create_ssl_context()


Clock = Callable[[], float]
"""Wall-clock seconds since the epoch (``time.time``); injectable for tests."""

# Asymmetric algorithms only: "none" and HMAC (keyed with a public client's id) are refused.
ALLOWED_ALGORITHMS = ("RS256", "PS256", "ES256", "EdDSA")


@dataclass(frozen=True, slots=True)
class OidcConfig:
    """How to reach the provider.

    ``issuer`` must equal the ``iss`` the provider puts in its discovery document and tokens.
    ``login_timeout_s`` bounds the wait for the browser; ``http_timeout_s`` every HTTP request;
    ``leeway_s`` the clock skew tolerated on ``exp``/``iat``. ``force_login``: on a shared
    station the system browser may still hold the previous clinician's session at the provider,
    so every login asks the provider to authenticate again (``prompt=login``) and the ID token's
    ``auth_time`` must be from this login.
    """

    issuer: str
    client_id: str
    scopes: tuple[str, ...] = ("openid", "profile", "offline_access")
    login_timeout_s: float = 300.0
    http_timeout_s: float = 10.0
    leeway_s: float = 30.0
    extra_auth_params: Mapping[str, str] = field(default_factory=dict)
    force_login: bool = True


@dataclass(frozen=True, slots=True)
class ProviderMetadata:
    """The parts of the discovery document (OpenID Connect Discovery 1.0) this client uses."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    end_session_endpoint: str | None = None

    @classmethod
    def parse(cls, data: object, *, expected_issuer: str) -> ProviderMetadata:
        """Check and extract; raises :class:`IssuerMismatch` or :class:`DiscoveryError`."""
        if not isinstance(data, dict):
            raise DiscoveryError("discovery document is not a JSON object")
        if data.get("issuer") != expected_issuer:
            raise IssuerMismatch("the provider's discovery document names another issuer")
        values: dict[str, str] = {}
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            value = data.get(name)
            if not isinstance(value, str) or not value.startswith(("https://", "http://")):
                raise DiscoveryError(f"discovery document lacks {name}")
            values[name] = value
        methods = data.get("code_challenge_methods_supported")
        if isinstance(methods, list) and "S256" not in methods:
            raise DiscoveryError("the provider does not support PKCE S256")
        end = data.get("end_session_endpoint")
        return cls(
            issuer=expected_issuer,
            end_session_endpoint=end if isinstance(end, str) else None,
            **values,
        )


@dataclass(frozen=True, slots=True)
class PkcePair:
    """RFC 7636 code verifier and its S256 challenge."""

    verifier: str
    challenge: str

    @classmethod
    def generate(cls) -> PkcePair:
        """A fresh random verifier (86 URL-safe characters) and its S256 challenge."""
        verifier = secrets.token_urlsafe(64)  # 86 chars of [A-Za-z0-9_-], within 43..128
        digest = hashlib.sha256(verifier.encode("ascii")).digest()
        challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
        return cls(verifier, challenge)


@dataclass(frozen=True, slots=True)
class AuthorizationRequest:
    """One login attempt: the URL for the browser and the secrets to check the answer."""

    url: str
    state: str
    nonce: str
    pkce: PkcePair = field(repr=False)
    redirect_uri: str
    requested_at: float = 0.0


@dataclass(frozen=True, slots=True)
class TokenSet:
    """Tokens of one clinician. ``repr`` never shows them.

    ``expires_at`` and ``issued_at`` are epoch seconds of the access token (the provider's
    ``expires_in`` counted from the local clock at receipt).
    """

    subject: str
    issuer: str
    access_token: str = field(repr=False)
    expires_at: float
    issued_at: float
    refresh_token: str | None = field(default=None, repr=False)
    id_token: str | None = field(default=None, repr=False)
    display_name: str = ""

    def to_json(self) -> str:
        """Serialize for the secret store only (the tokens are in it)."""
        return json.dumps(
            {
                "subject": self.subject,
                "issuer": self.issuer,
                "access_token": self.access_token,
                "expires_at": self.expires_at,
                "issued_at": self.issued_at,
                "refresh_token": self.refresh_token,
                "id_token": self.id_token,
                "display_name": self.display_name,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> TokenSet:
        """Parse :meth:`to_json`; raises ValueError/KeyError/TypeError on damaged text."""
        data = json.loads(text)
        return cls(
            subject=str(data["subject"]),
            issuer=str(data["issuer"]),
            access_token=str(data["access_token"]),
            expires_at=float(data["expires_at"]),
            issued_at=float(data["issued_at"]),
            refresh_token=data.get("refresh_token"),
            id_token=data.get("id_token"),
            display_name=str(data.get("display_name", "")),
        )

    def refresh_due(self, now: float, *, margin_s: float = 60.0) -> bool:
        """True when the access token is within ``margin_s`` (at most half its life) of expiry."""
        margin = min(margin_s, max(0.0, (self.expires_at - self.issued_at) / 2))
        return now >= self.expires_at - margin


class OidcClient:
    """A public native client of one provider.

    ``http`` may be shared (the caller then closes it); otherwise the client owns one with
    ``config.http_timeout_s`` and no redirects followed.
    """

    def __init__(
        self,
        config: OidcConfig,
        *,
        http: httpx.AsyncClient | None = None,
        clock: Clock = time.time,
    ) -> None:
        self.config = config
        self._own_http = http is None
        self._http = http or httpx.AsyncClient(
            timeout=httpx.Timeout(config.http_timeout_s),
            follow_redirects=False,
            verify=tls_context(),
        )
        self._clock = clock
        self._metadata: ProviderMetadata | None = None
        self._jwks: jwt.PyJWKSet | None = None

    async def aclose(self) -> None:
        """Close the HTTP client if this object created it."""
        if self._own_http:
            await self._http.aclose()

    # -- discovery ------------------------------------------------------------------------------
    async def metadata(self) -> ProviderMetadata:
        """The discovery document (fetched once); raises :class:`DiscoveryError`."""
        if self._metadata is None:
            url = self.config.issuer.rstrip("/") + "/.well-known/openid-configuration"
            data = await self._get_json(url, what="discovery document")
            self._metadata = ProviderMetadata.parse(data, expected_issuer=self.config.issuer)
        return self._metadata

    async def _jwk_set(self, *, refresh: bool = False) -> jwt.PyJWKSet:
        if self._jwks is None or refresh:
            meta = await self.metadata()
            data = await self._get_json(meta.jwks_uri, what="provider keys")
            try:
                self._jwks = jwt.PyJWKSet.from_dict(data)
            except jwt.PyJWTError as exc:
                raise DiscoveryError("the provider's keys (JWKS) are unusable") from exc
        return self._jwks

    async def _get_json(self, url: str, *, what: str) -> Any:
        try:
            response = await self._http.get(url, headers={"Accept": "application/json"})
        except httpx.HTTPError as exc:
            raise DiscoveryError(f"{what} unreachable: {type(exc).__name__}") from exc
        if response.status_code != 200:
            raise DiscoveryError(f"{what}: HTTP {response.status_code}")
        try:
            return response.json()
        except ValueError as exc:
            raise DiscoveryError(f"{what} is not JSON") from exc

    # -- authorization --------------------------------------------------------------------------
    async def begin(self, redirect_uri: str) -> AuthorizationRequest:
        """Build a fresh authorization request for ``redirect_uri``."""
        meta = await self.metadata()
        pkce = PkcePair.generate()
        state = secrets.token_urlsafe(32)
        nonce = secrets.token_urlsafe(32)
        query = {
            "response_type": "code",
            "client_id": self.config.client_id,
            "redirect_uri": redirect_uri,
            "scope": " ".join(self.config.scopes),
            "state": state,
            "nonce": nonce,
            "code_challenge": pkce.challenge,
            "code_challenge_method": "S256",
            **self.config.extra_auth_params,
        }
        prompts = []
        if self.config.force_login:
            prompts.append("login")
        if "offline_access" in self.config.scopes:
            prompts.append("consent")  # OIDC Core §11: offline_access needs consent
        if prompts:
            query.setdefault("prompt", " ".join(prompts))
        url = f"{meta.authorization_endpoint}?{urlencode(query)}"
        return AuthorizationRequest(url, state, nonce, pkce, redirect_uri, self._clock())

    async def login(self, opener: BrowserOpener) -> TokenSet:
        """Run the whole browser login; raises an :class:`OidcError` subclass on any failure."""
        async with LoopbackReceiver() as receiver:
            request = await self.begin(receiver.redirect_uri)
            opening = asyncio.ensure_future(opener(request.url))
            waiting = asyncio.ensure_future(receiver.wait())
            try:
                async with asyncio.timeout(self.config.login_timeout_s):
                    done, _ = await asyncio.wait(
                        {opening, waiting}, return_when=asyncio.FIRST_COMPLETED
                    )
                    if waiting not in done:
                        opening.result()  # the opener failed: raise its error
                        params = await waiting
                    else:
                        params = waiting.result()
            except TimeoutError:
                raise LoginTimeout("no answer from the browser in time") from None
            finally:
                waiting.cancel()
                if not opening.done():
                    # The opener returned to its caller long ago in the app; a test driver may
                    # still be reading the final page. Give it a moment, then stop it.
                    with contextlib.suppress(TimeoutError, asyncio.CancelledError, Exception):
                        await asyncio.wait_for(opening, 5.0)
        return await self.complete(request, params.params)

    async def complete(self, request: AuthorizationRequest, params: Mapping[str, str]) -> TokenSet:
        """Check the redirect's parameters against ``request`` and redeem the code."""
        if not hmac.compare_digest(params.get("state", ""), request.state):
            raise StateMismatch("the login answer does not belong to this login attempt")
        iss = params.get("iss")
        if iss is not None and iss != self.config.issuer:  # RFC 9207 mix-up defence
            raise IssuerMismatch("the login answer comes from another provider")
        if "error" in params:
            raise AuthorizationDenied(params["error"], params.get("error_description", ""))
        code = params.get("code")
        if not code:
            raise OidcError("the login answer carries no authorization code")
        return await self.exchange_code(code=code, request=request)

    async def exchange_code(self, *, code: str, request: AuthorizationRequest) -> TokenSet:
        """Redeem ``code`` with the PKCE verifier; raises :class:`TokenRejected` (e.g. replay)."""
        data = await self._token_request(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": request.redirect_uri,
                "client_id": self.config.client_id,
                "code_verifier": request.pkce.verifier,
            }
        )
        id_token = data.get("id_token")
        if not isinstance(id_token, str):
            raise TokenInvalid("the provider returned no ID token")
        claims = await self.validate_id_token(id_token, nonce=request.nonce)
        if self.config.force_login and request.requested_at:
            auth_time = claims.get("auth_time")
            if not isinstance(auth_time, int | float) or (
                auth_time < request.requested_at - self.config.leeway_s
            ):
                raise TokenInvalid(
                    "the provider did not authenticate the user for this login (stale session)"
                )
        tokens = self._token_set(data, claims, previous=None)
        _log.info(
            "login completed (expires in %s s)", safe(int(tokens.expires_at - tokens.issued_at))
        )
        return tokens

    async def refresh(self, tokens: TokenSet) -> TokenSet:
        """Use the refresh token; raises :class:`ReauthenticationRequired` when it no longer works."""
        if not tokens.refresh_token:
            raise ReauthenticationRequired("no refresh token: log in again")
        try:
            data = await self._token_request(
                {
                    "grant_type": "refresh_token",
                    "refresh_token": tokens.refresh_token,
                    "client_id": self.config.client_id,
                }
            )
        except TokenRejected as exc:
            if exc.error in ("invalid_grant", "unauthorized_client", "invalid_client"):
                raise ReauthenticationRequired("the session has ended: log in again") from exc
            raise
        claims: Mapping[str, Any] = {"sub": tokens.subject, "name": tokens.display_name}
        id_token = data.get("id_token")
        if isinstance(id_token, str):
            claims = await self.validate_id_token(id_token, nonce=None)
            if claims["sub"] != tokens.subject:  # OIDC Core §12.2
                raise TokenInvalid("the refreshed ID token names another user")
        return self._token_set(data, claims, previous=tokens)

    async def _token_request(self, form: Mapping[str, str]) -> dict[str, Any]:
        meta = await self.metadata()
        try:
            response = await self._http.post(
                meta.token_endpoint, data=dict(form), headers={"Accept": "application/json"}
            )
        except httpx.HTTPError as exc:
            raise OidcError(f"token endpoint unreachable: {type(exc).__name__}") from exc
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise TokenRejected("invalid_response", response.status_code)
        if response.status_code != 200:
            raise TokenRejected(str(data.get("error", "unknown_error")), response.status_code)
        if not isinstance(data.get("access_token"), str):
            raise TokenRejected("invalid_response", response.status_code)
        if str(data.get("token_type", "")).lower() != "bearer":
            raise TokenRejected("unsupported_token_type", response.status_code)
        return data

    def _token_set(
        self, data: Mapping[str, Any], claims: Mapping[str, Any], *, previous: TokenSet | None
    ) -> TokenSet:
        now = self._clock()
        try:
            expires_in = float(data.get("expires_in", 300))
        except (TypeError, ValueError):
            expires_in = 300.0
        refresh = data.get("refresh_token")
        return TokenSet(
            subject=str(claims["sub"]),
            issuer=self.config.issuer,
            access_token=str(data["access_token"]),
            expires_at=now + max(0.0, expires_in),
            issued_at=now,
            refresh_token=refresh
            if isinstance(refresh, str)
            else (previous.refresh_token if previous else None),
            id_token=data.get("id_token") or (previous.id_token if previous else None),
            display_name=str(claims.get("name") or (previous.display_name if previous else "")),
        )

    # -- ID token -------------------------------------------------------------------------------
    async def validate_id_token(self, id_token: str, *, nonce: str | None) -> dict[str, Any]:
        """Verify signature, issuer, audience, expiry and (if given) nonce; returns the claims.

        Raises :class:`BadSignature`, :class:`IssuerMismatch`, :class:`AudienceMismatch`,
        :class:`TokenExpired`, :class:`NonceMismatch` or :class:`TokenInvalid`.
        """
        try:
            header = jwt.get_unverified_header(id_token)
        except jwt.PyJWTError as exc:
            raise TokenInvalid("the ID token is not a JWT") from exc
        alg = header.get("alg")
        if alg not in ALLOWED_ALGORITHMS:
            raise BadSignature("the ID token uses an algorithm that is not accepted")
        key = await self._signing_key(header.get("kid"))
        try:
            claims: dict[str, Any] = jwt.decode(
                id_token,
                key=key,
                algorithms=[alg],
                audience=self.config.client_id,
                issuer=self.config.issuer,
                # Expiry is checked below against the injected clock.
                options={
                    "require": ["iss", "sub", "aud", "exp", "iat"],
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                },
            )
        except jwt.InvalidSignatureError as exc:
            raise BadSignature("the ID token signature does not verify") from exc
        except jwt.InvalidAudienceError as exc:
            raise AudienceMismatch("the ID token was issued for another application") from exc
        except jwt.InvalidIssuerError as exc:
            raise IssuerMismatch("the ID token was issued by another provider") from exc
        except jwt.PyJWTError as exc:
            raise TokenInvalid(f"the ID token is invalid: {type(exc).__name__}") from exc
        aud = claims["aud"]
        if isinstance(aud, list) and len(aud) > 1 and claims.get("azp") != self.config.client_id:
            raise AudienceMismatch("the ID token's authorized party is another application")
        now = self._clock()
        leeway = self.config.leeway_s
        if not isinstance(claims["exp"], int | float) or now > claims["exp"] + leeway:
            raise TokenExpired("the ID token has expired")
        if not isinstance(claims["iat"], int | float) or claims["iat"] > now + leeway:
            raise TokenInvalid("the ID token is issued in the future (check the clock)")
        if nonce is not None and not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
            raise NonceMismatch("the ID token does not belong to this login attempt")
        return claims

    async def _signing_key(self, kid: object) -> Any:
        for attempt in range(2):
            jwks = await self._jwk_set(refresh=attempt == 1)  # unknown kid: keys may have rotated
            for key in jwks.keys:
                if kid is None or key.key_id == kid:
                    return key.key
        raise BadSignature("the ID token is signed with an unknown key")
