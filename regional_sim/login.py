"""Demo login: a minimal OpenID Provider at ``/login`` for the demo practitioners.

It stands in for the regional login service (which handles SPID/CIE/CNS in the browser) so demo
mode and training need no human step beyond choosing who to be. It implements what a native
public client uses (RFC 8252, RFC 7636, OpenID Connect Core): discovery, ``/login/authorize``
(authorization code, PKCE S256 required, loopback redirect only), ``/login/token`` (code and
refresh grants; codes are single-use, refresh tokens rotate), ``/login/jwks`` (an RS256 key made
at start) and ``/login/userinfo``.

Authorization is auto-approved for a *chosen* demo practitioner: ``login_hint=<Practitioner id>``
picks one (``prac-mmg-bianchi``, ``prac-ifec-colombo``, ``prac-farm-ferrari``,
``prac-card-romano``); without it the browser gets a page with one link per practitioner. There
are no passwords: never expose this outside demo and tests.

The issuer is ``<scheme>://<host>/login`` of the request, so it follows ``--port 0``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any, NoReturn
from urllib.parse import urlencode, urlsplit

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa

from .errors import FhirError
from .http_fhir import STORE_KEY

__all__ = ["DEMO_CLIENT_ID", "DEMO_PRACTITIONERS", "add_login_routes"]

DEMO_CLIENT_ID = "telemed-workstation"
DEMO_PRACTITIONERS = (
    "prac-mmg-bianchi",
    "prac-ifec-colombo",
    "prac-farm-ferrari",
    "prac-card-romano",
)
CODE_TTL_S = 60
ACCESS_TTL_S = 3600
REFRESH_TTL_S = 12 * 3600
ID_TTL_S = 3600


@dataclass
class _Code:
    subject: str
    name: str
    client_id: str
    redirect_uri: str
    challenge: str
    nonce: str | None
    scope: str
    expires_at: float


@dataclass
class _Grant:
    subject: str
    name: str
    scope: str
    expires_at: float


@dataclass
class LoginState:
    """Keys and live grants of one server process (in memory: a restart logs everyone out)."""

    _key: rsa.RSAPrivateKey | None = None
    kid: str = field(default_factory=lambda: secrets.token_hex(8))
    codes: dict[str, _Code] = field(default_factory=dict)
    used_codes: set[str] = field(default_factory=set)
    access: dict[str, _Grant] = field(default_factory=dict)
    refresh: dict[str, _Grant] = field(default_factory=dict)

    @property
    def key(self) -> rsa.RSAPrivateKey:
        """The signing key, made on first use (keeps the server's start-up fast)."""
        if self._key is None:
            self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return self._key


LOGIN_KEY: web.AppKey[LoginState] = web.AppKey("demo_login", LoginState)


def _issuer(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}/login"


def _oauth_error(error: str, description: str, status: int = 400) -> web.Response:
    return web.json_response(
        {"error": error, "error_description": description},
        status=status,
        headers={"Cache-Control": "no-store"},
    )


def _page(title: str, body: str, status: int = 200) -> web.Response:
    text = (
        "<!doctype html><html lang='it'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>"
        f"{body}</body></html>"
    )
    return web.Response(text=text, status=status, content_type="text/html")


def _loopback_redirect(uri: str) -> bool:
    """RFC 8252 §7.3: only http://127.0.0.1 or http://[::1] with any port (never 'localhost')."""
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        return False
    return (
        parts.scheme == "http"
        and parts.hostname in ("127.0.0.1", "::1")
        and not parts.fragment
        and not parts.username
    )


async def _practitioner_name(request: web.Request, subject: str) -> str | None:
    store = request.app[STORE_KEY]
    try:
        stored = await store.call(store.read_sync, "Practitioner", subject)
    except FhirError:
        return None
    resource = json.loads(stored.content)
    name = (resource.get("name") or [{}])[0]
    parts = [*name.get("prefix", []), *name.get("given", []), name.get("family", "")]
    return " ".join(p for p in parts if p) or subject


async def discovery(request: web.Request) -> web.Response:
    """``GET /login/.well-known/openid-configuration``."""
    issuer = _issuer(request)
    return web.json_response(
        {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/authorize",
            "token_endpoint": f"{issuer}/token",
            "jwks_uri": f"{issuer}/jwks",
            "userinfo_endpoint": f"{issuer}/userinfo",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["none"],
            "scopes_supported": ["openid", "profile", "offline_access"],
            "authorization_response_iss_parameter_supported": True,
        }
    )


async def jwks(request: web.Request) -> web.Response:
    """``GET /login/jwks``: the public signing key."""
    state = request.app[LOGIN_KEY]
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(state.key.public_key()))
    jwk.update(kid=state.kid, alg="RS256", use="sig")
    return web.json_response({"keys": [jwk]})


async def authorize(request: web.Request) -> web.Response:
    """Auto-approve the chosen practitioner; without ``login_hint``, offer the choice."""
    q = request.query
    client_id = q.get("client_id", "")
    redirect_uri = q.get("redirect_uri", "")
    # Errors about the client or redirect are shown, never redirected (RFC 6749 §4.1.2.1).
    if client_id != DEMO_CLIENT_ID:
        return _page("Accesso non riuscito", "<p>Applicazione sconosciuta.</p>", 400)
    if not _loopback_redirect(redirect_uri):
        return _page("Accesso non riuscito", "<p>Indirizzo di ritorno non ammesso.</p>", 400)
    state_param = q.get("state")

    def back(**params: str) -> NoReturn:
        if state_param is not None:
            params["state"] = state_param
        params["iss"] = _issuer(request)
        raise web.HTTPFound(f"{redirect_uri}?{urlencode(params)}")

    if q.get("response_type") != "code":
        back(error="unsupported_response_type")
    scope = q.get("scope", "")
    if "openid" not in scope.split():
        back(error="invalid_scope", error_description="openid is required")
    challenge = q.get("code_challenge", "")
    if q.get("code_challenge_method") != "S256" or not (43 <= len(challenge) <= 128):
        back(error="invalid_request", error_description="PKCE S256 is required")
    subject = q.get("login_hint")
    if not subject:
        links = ""
        for p in DEMO_PRACTITIONERS:
            href = request.path_qs + "&" + urlencode({"login_hint": p})
            label = await _practitioner_name(request, p) or p
            links += f"<li><a href='{html.escape(href)}'>{html.escape(label)}</a></li>"
        return _page("Accesso dimostrativo: scegli chi sei", f"<ul>{links}</ul>")
    name = await _practitioner_name(request, subject)
    if subject not in DEMO_PRACTITIONERS or name is None:
        back(error="access_denied", error_description="unknown demo practitioner")
    state = request.app[LOGIN_KEY]
    code = secrets.token_urlsafe(32)
    state.codes[code] = _Code(
        subject=subject,
        name=name,
        client_id=client_id,
        redirect_uri=redirect_uri,
        challenge=challenge,
        nonce=q.get("nonce"),
        scope=scope,
        expires_at=time.time() + CODE_TTL_S,
    )
    back(code=code)


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _tokens(
    request: web.Request, grant: _Grant, *, client_id: str, nonce: str | None
) -> dict[str, Any]:
    state = request.app[LOGIN_KEY]
    now = time.time()
    access = secrets.token_urlsafe(32)
    state.access[access] = _Grant(grant.subject, grant.name, grant.scope, now + ACCESS_TTL_S)
    body: dict[str, Any] = {
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": ACCESS_TTL_S,
        "scope": grant.scope,
    }
    if "offline_access" in grant.scope.split():
        refresh = secrets.token_urlsafe(32)
        state.refresh[refresh] = _Grant(grant.subject, grant.name, grant.scope, now + REFRESH_TTL_S)
        body["refresh_token"] = refresh
    claims: dict[str, Any] = {
        "iss": _issuer(request),
        "sub": grant.subject,
        "aud": client_id,
        "iat": int(now),
        "exp": int(now) + ID_TTL_S,
        "auth_time": int(now),
        "name": grant.name,
    }
    if nonce is not None:
        claims["nonce"] = nonce
    body["id_token"] = jwt.encode(claims, state.key, algorithm="RS256", headers={"kid": state.kid})
    return body


async def token(request: web.Request) -> web.Response:
    """``POST /login/token``: authorization code (PKCE) and refresh grants."""
    form = await request.post()
    state = request.app[LOGIN_KEY]
    grant_type = form.get("grant_type")
    client_id = str(form.get("client_id", ""))
    if client_id != DEMO_CLIENT_ID:
        return _oauth_error("invalid_client", "unknown client", 401)
    if grant_type == "authorization_code":
        code = str(form.get("code", ""))
        entry = state.codes.pop(code, None)
        if entry is None or code in state.used_codes:
            return _oauth_error("invalid_grant", "unknown, expired or already used code")
        state.used_codes.add(code)
        if entry.expires_at < time.time():
            return _oauth_error("invalid_grant", "expired code")
        if entry.client_id != client_id or entry.redirect_uri != form.get("redirect_uri"):
            return _oauth_error("invalid_grant", "code issued to another client or redirect")
        verifier = str(form.get("code_verifier", ""))
        if not hmac.compare_digest(_s256(verifier), entry.challenge):
            return _oauth_error("invalid_grant", "PKCE verification failed")
        grant = _Grant(entry.subject, entry.name, entry.scope, 0.0)
        body = _tokens(request, grant, client_id=client_id, nonce=entry.nonce)
    elif grant_type == "refresh_token":
        old = state.refresh.pop(str(form.get("refresh_token", "")), None)  # rotation
        if old is None or old.expires_at < time.time():
            return _oauth_error("invalid_grant", "unknown or expired refresh token")
        body = _tokens(request, old, client_id=client_id, nonce=None)
    else:
        return _oauth_error("unsupported_grant_type", "use authorization_code or refresh_token")
    return web.json_response(body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


async def userinfo(request: web.Request) -> web.Response:
    """``GET /login/userinfo``: who the bearer token belongs to."""
    header = request.headers.get("Authorization", "")
    grant = request.app[LOGIN_KEY].access.get(header.removeprefix("Bearer ").strip())
    if not header.startswith("Bearer ") or grant is None or grant.expires_at < time.time():
        return web.json_response(
            {"error": "invalid_token"},
            status=401,
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    return web.json_response({"sub": grant.subject, "name": grant.name})


def add_login_routes(app: web.Application) -> None:
    """Mount the demo provider under ``/login``."""
    app[LOGIN_KEY] = LoginState()
    app.router.add_get("/login/.well-known/openid-configuration", discovery)
    app.router.add_get("/login/authorize", authorize)
    app.router.add_post("/login/token", token)
    app.router.add_get("/login/jwks", jwks)
    app.router.add_get("/login/userinfo", userinfo)
