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
        """The secret called ``name``, or None."""
        return await asyncio.to_thread(self._call, keyring.get_password, name)

    async def set(self, name: str, value: str) -> None:
        """Store (or replace) the secret called ``name``."""
        await asyncio.to_thread(self._call, keyring.set_password, name, value)

    async def delete(self, name: str) -> None:
        """Remove the secret called ``name`` (absent is fine)."""
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


# Windows Credential Manager keeps at most 2560 bytes per secret (1280 UTF-16 characters);
# longer values (JWT access and ID tokens together easily are) are split over several entries.
CHUNK_CHARS = 1000
_CHUNKED = "chunked:"


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
        """Keep ``tokens`` (replacing the clinician's previous ones)."""
        try:
            await self._write(tokens.subject, tokens.to_json())
        except SecretStoreUnavailable:
            if self._memory is None:
                raise
            _log.warning("no secret store: demo tokens kept in memory only")
            self._memory[tokens.subject] = tokens.to_json()

    async def load(self, subject: str, *, issuer: str | None = None) -> TokenSet:
        """The stored tokens; raises :class:`NotLoggedIn` when there are none, they are
        unreadable, or (given ``issuer``) they come from another provider."""
        try:
            text = await self._read(subject)
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
        if issuer is not None and tokens.issuer != issuer:
            raise NotLoggedIn("the stored login is for another login service: log in again")
        return tokens

    async def delete(self, subject: str) -> None:
        """Forget the clinician's tokens (every piece)."""
        for i in range(await self._chunk_count(subject)):
            await self._secrets.delete(f"{subject}#{i}")
        await self._secrets.delete(subject)

    async def _write(self, subject: str, text: str) -> None:
        old = await self._chunk_count(subject)
        parts = [text[i : i + CHUNK_CHARS] for i in range(0, len(text), CHUNK_CHARS)]
        if len(parts) <= 1:
            await self._secrets.set(subject, text)
            parts = []
        else:
            for i, part in enumerate(parts):
                await self._secrets.set(f"{subject}#{i}", part)
            await self._secrets.set(subject, f"{_CHUNKED}{len(parts)}")  # last: a complete set
        for i in range(len(parts), old):  # never leave pieces of older tokens behind
            await self._secrets.delete(f"{subject}#{i}")

    async def _chunk_count(self, subject: str) -> int:
        head = await self._secrets.get(subject)
        if head is None or not head.startswith(_CHUNKED):
            return 0
        count = head.removeprefix(_CHUNKED)
        return int(count) if count.isdigit() else 0

    async def _read(self, subject: str) -> str | None:
        head = await self._secrets.get(subject)
        if head is None or not head.startswith(_CHUNKED):
            return head
        count = head.removeprefix(_CHUNKED)
        if not count.isdigit():
            return None
        parts = [await self._secrets.get(f"{subject}#{i}") for i in range(int(count))]
        if any(p is None for p in parts):
            return None
        return "".join(p for p in parts if p is not None)


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
        """The tokens in use (loaded from the secret store once); raises NotLoggedIn."""
        if self._tokens is None:
            self._tokens = await self._store.load(self.subject, issuer=self._client.config.issuer)
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
