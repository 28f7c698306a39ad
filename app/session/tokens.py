"""Tokens in the OS secret store, refreshed before they expire.

:class:`TokenStore` keeps one :class:`~app.session.oidc.TokenSet` per clinician in the platform
keyring (Windows Credential Manager, macOS Keychain, Secret Service; never a file). Keyring calls
block (D-Bus, COM), so they run in a worker thread. :class:`TokenManager` is the bearer-token source
of one clinician (the ``TokenProvider`` of :class:`app.backend.client.FhirClient`): it refreshes
when the access token is close to expiry, or when forced after a 401, one refresh at a time.

Thread affinity: coroutines on the core loop.
"""

from __future__ import annotations

import asyncio
import logging
import time

import keyring
import keyring.errors

from app.logs import safe
from app.session.errors import NotLoggedIn, SecretStoreUnavailable
from app.session.oidc import Clock, OidcClient, TokenSet

_log = logging.getLogger(__name__)

TOKEN_SERVICE = "it.lombardia.telemed.workstation/oidc"
VAULT_KEY_SERVICE = "it.lombardia.telemed.workstation/vault-key"


class SecretStore:
    """Named secrets of one keyring service; every call runs in a worker thread.

    Raises :class:`SecretStoreUnavailable` when no usable backend exists (e.g. the headless
    ``fail`` backend) or the backend refuses.
    """

    def __init__(self, service: str) -> None:
        self.service = service

    async def get(self, name: str) -> str | None:
        return await asyncio.to_thread(self._call, keyring.get_password, name)

    async def set(self, name: str, value: str) -> None:
        await asyncio.to_thread(self._call, keyring.set_password, name, value)

    async def delete(self, name: str) -> None:
        try:
            await asyncio.to_thread(self._call, keyring.delete_password, name)
        except SecretStoreUnavailable as exc:
            if isinstance(exc.__cause__, keyring.errors.PasswordDeleteError):
                return  # already absent
            raise

    def _call(self, fn: object, name: str, *value: str) -> str | None:
        try:
            result = fn(self.service, name, *value)  # type: ignore[operator]
        except Exception as exc:  # backends raise their own types (D-Bus, COM, Keychain)
            raise SecretStoreUnavailable(
                f"the system's secret store is not available ({type(exc).__name__})"
            ) from exc
        return result if isinstance(result, str) else None


class TokenStore:
    """One :class:`TokenSet` per clinician (subject), in the OS secret store.

    ``memory_fallback`` (demo mode only): when the machine has no secret store, keep tokens in
    this process's memory instead of failing; they are never written anywhere.
    """

    def __init__(
        self, secrets: SecretStore | None = None, *, memory_fallback: bool = False
    ) -> None:
        self._secrets = secrets or SecretStore(TOKEN_SERVICE)
        self._memory: dict[str, str] | None = {} if memory_fallback else None

    async def save(self, tokens: TokenSet) -> None:
        try:
            await self._secrets.set(tokens.subject, tokens.to_json())
        except SecretStoreUnavailable:
            if self._memory is None:
                raise
            _log.warning("no secret store: demo tokens kept in memory only")
            self._memory[tokens.subject] = tokens.to_json()

    async def load(self, subject: str) -> TokenSet:
        """The stored tokens; raises :class:`NotLoggedIn` when there are none (or unreadable)."""
        try:
            text = await self._secrets.get(subject)
        except SecretStoreUnavailable:
            if self._memory is None:
                raise
            text = self._memory.get(subject)
        if text is None:
            raise NotLoggedIn("no stored login for this clinician")
        try:
            tokens = TokenSet.from_json(text)
        except (ValueError, KeyError, TypeError) as exc:
            raise NotLoggedIn("the stored login is unreadable: log in again") from exc
        if tokens.subject != subject:
            raise NotLoggedIn("the stored login belongs to someone else: log in again")
        return tokens

    async def delete(self, subject: str) -> None:
        await self._secrets.delete(subject)


class TokenManager:
    """Bearer tokens of one clinician, refreshed before expiry.

    ``await manager(force_refresh=False)`` returns a valid access token. A refresh happens when the
    token is within ``refresh_margin_s`` of expiry (or forced); the new tokens replace the old ones
    in the secret store before use. Raises :class:`~app.session.errors.ReauthenticationRequired`
    when the refresh token no longer works.
    """

    def __init__(
        self,
        *,
        client: OidcClient,
        store: TokenStore,
        subject: str,
        clock: Clock = time.time,
        refresh_margin_s: float = 60.0,
    ) -> None:
        self._client = client
        self._store = store
        self.subject = subject
        self._clock = clock
        self._margin_s = refresh_margin_s
        self._tokens: TokenSet | None = None
        self._lock = asyncio.Lock()
        self.refresh_count = 0

    async def current(self) -> TokenSet:
        if self._tokens is None:
            self._tokens = await self._store.load(self.subject)
        return self._tokens

    async def __call__(self, *, force_refresh: bool = False) -> str:
        tokens = await self.current()
        if not force_refresh and not tokens.refresh_due(self._clock(), margin_s=self._margin_s):
            return tokens.access_token
        async with self._lock:
            latest = await self.current()
            if latest is not tokens and not force_refresh:
                return latest.access_token  # another caller refreshed meanwhile
            fresh = await self._client.refresh(latest)
            await self._store.save(fresh)
            self._tokens = fresh
            self.refresh_count += 1
            _log.info("tokens refreshed (count %s)", safe(self.refresh_count))
            return fresh.access_token
