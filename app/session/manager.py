"""Who is working now: login (online or offline PIN), lock, unlock and fast user switching.

:class:`SessionManager` owns the current :class:`~app.session.offline.Identity`, its token
source and its vault. On a shared station, *switching user* closes the UI's access to the current
vault and parks it for the sync worker only: the previous clinician's outbox keeps draining with
that clinician's tokens (work stays attributed to them), while :meth:`SessionManager.vault_for`
refuses every other identity with :class:`VaultOwnedByAnotherUser`. Parked vaults are closed when
the sync worker reports them drained (:meth:`release_parked`) or at shutdown.

Every state change publishes :class:`~app.session.events.SessionDidChange`.

Thread affinity: core loop only.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from app.domain.audit import AuditAction
from app.events import Event
from app.logs import safe
from app.session.errors import (
    NotLoggedIn,
    ReauthenticationRequired,
    SessionError,
    VaultOwnedByAnotherUser,
)
from app.session.events import SessionDidChange, SessionDidExpire, SessionState
from app.session.offline import Identity, OfflineUnlock
from app.session.oidc import BrowserOpener, OidcClient, OidcConfig, TokenSet
from app.session.tokens import TokenManager, TokenStore

_log = logging.getLogger(__name__)


class VaultHandle(Protocol):
    """What the session needs of an open vault (``offline_cache.vault.Vault`` fits)."""

    async def close(self) -> None:
        """Close the vault (and stop whatever uses it)."""


VaultOpener = Callable[[Identity], Awaitable[VaultHandle]]
"""Opens (creating on first use) the vault of an identity."""


class AuditRecorder(Protocol):
    """The audit trail of one open vault (``app.services.audit.AuditTrail`` fits)."""

    async def verify(self) -> bool:
        """Check the chain; publish the outcome; True when intact."""

    async def resend_tail(self, count: int = ...) -> int:
        """Queue the last entries again (idempotent)."""

    async def record(
        self, action: AuditAction, *, patient_id: str | None = None, what: str | None = None
    ) -> int: ...


AuditFactory = Callable[[Identity, VaultHandle], AuditRecorder | None]
"""Builds the audit trail of a freshly opened vault (None: this vault keeps no audit log)."""


@dataclass(slots=True)
class _Parked:
    identity: Identity
    tokens: TokenManager | None
    vault: VaultHandle | None


class SessionManager:
    """The session state machine of one workstation process."""

    def __init__(
        self,
        *,
        publish: Callable[[Event], None],
        offline: OfflineUnlock,
        token_store: TokenStore,
        oidc: OidcClient | Callable[[], OidcClient] | None = None,
        vault_opener: VaultOpener | None = None,
        audit_factory: AuditFactory | None = None,
    ) -> None:
        self._publish = publish
        self.offline = offline
        self._token_store = token_store
        self._oidc_source = oidc
        self._oidc: OidcClient | None = oidc if isinstance(oidc, OidcClient) else None
        self._open_vault = vault_opener
        self._audit_factory = audit_factory
        #: The audit trail of the active clinician's vault (None without a vault).
        self.audit: AuditRecorder | None = None
        self.state = SessionState.SIGNED_OUT
        self.identity: Identity | None = None
        self.offline_mode = False
        self._tokens: TokenManager | None = None
        self._vault: VaultHandle | None = None
        self._parked: dict[str, _Parked] = {}
        self._lock = asyncio.Lock()

    # -- queries --------------------------------------------------------------------------------
    @property
    def tokens(self) -> TokenManager | None:
        """Bearer tokens of the active clinician (None offline)."""
        return self._tokens

    def vault_for(self, subject: str) -> VaultHandle:
        """The active clinician's open vault; anyone else is refused."""
        if self.state is not SessionState.ACTIVE or self.identity is None:
            raise VaultOwnedByAnotherUser("the workstation is locked: unlock it first")
        if subject != self.identity.subject:
            raise VaultOwnedByAnotherUser(
                "this offline store belongs to another clinician: it can only be opened by its "
                "owner, after their own login"
            )
        if self._vault is None:
            raise SessionError("no offline store is open for this session")
        return self._vault

    async def bearer_token(self, *, force_refresh: bool = False) -> str:
        """The active clinician's access token (a ``TokenProvider`` for the FHIR client).

        Raises :class:`NotLoggedIn` when nobody is logged in online (offline unlock has no
        tokens), and :class:`~app.session.errors.ReauthenticationRequired` when a new browser
        login is needed.
        """
        if self._tokens is None or self.state is SessionState.SIGNED_OUT:
            raise NotLoggedIn("log in online to reach the regional services")
        try:
            return await self._tokens(force_refresh=force_refresh)
        except ReauthenticationRequired:
            subject = self._tokens.subject
            self._tokens = None  # until the next browser login; announce once
            self.offline_mode = True
            self._publish(SessionDidExpire(subject))
            self._announce()
            raise

    def syncing_for(self) -> tuple[str, ...]:
        """Subjects of earlier users whose outbox is still draining."""
        return tuple(self._parked)

    def parked_sync(self, subject: str) -> tuple[VaultHandle | None, TokenManager | None]:
        """For the sync worker only: a parked user's vault and token source."""
        parked = self._parked[subject]
        return parked.vault, parked.tokens

    # -- transitions ----------------------------------------------------------------------------
    def _client(self) -> OidcClient | None:
        if self._oidc is None and callable(self._oidc_source):
            self._oidc = self._oidc_source()  # built late: the demo backend's URL comes late
        return self._oidc

    async def login(self, opener: BrowserOpener) -> Identity:
        """Online login in the browser; the tokens go to the secret store."""
        client = self._client()
        if client is None:
            raise SessionError("no login service is configured")
        tokens = await client.login(opener)
        return await self._start_online(tokens)

    async def _start_online(self, tokens: TokenSet) -> Identity:
        await self._token_store.save(tokens)
        identity = Identity(tokens.subject, tokens.display_name, tokens.issuer)
        assert self._oidc is not None
        manager = TokenManager(client=self._oidc, store=self._token_store, subject=tokens.subject)
        await self._activate(identity, manager, offline=False)
        return identity

    async def unlock_offline(self, subject: str, pin: str) -> Identity:
        """Start a session with the local PIN (no network)."""
        identity = await self.offline.unlock(subject, pin)
        manager = None
        if self._client() is not None:
            assert self._oidc is not None
            try:
                await self._token_store.load(subject, issuer=self._oidc.config.issuer)
                manager = TokenManager(client=self._oidc, store=self._token_store, subject=subject)
            except (NotLoggedIn, SessionError):
                manager = None  # queued work waits for the next online login of this clinician
        await self._activate(identity, manager, offline=True)
        return identity

    async def set_pin(self, pin: str) -> None:
        """Enrol the active clinician for offline unlock (after an online login)."""
        if self.identity is None or self.state is not SessionState.ACTIVE:
            raise SessionError("log in first")
        await self.offline.enroll(self.identity, pin)

    async def lock(self) -> None:
        """Hide everything until the same clinician unlocks (or someone switches user)."""
        async with self._lock:
            if self.state is SessionState.ACTIVE:
                self.state = SessionState.LOCKED
                self._announce()
        await self._audit(AuditAction.LOCK)

    async def unlock(self, pin: str) -> Identity:
        """Unlock a locked session with the clinician's PIN."""
        if self.state is not SessionState.LOCKED or self.identity is None:
            raise SessionError("the workstation is not locked")
        identity = await self.offline.unlock(self.identity.subject, pin)
        async with self._lock:
            self.state = SessionState.ACTIVE
            self._announce()
        await self._audit(AuditAction.UNLOCK)
        return identity

    async def switch_user(self) -> None:
        """Park the current clinician (outbox keeps syncing as them) and sign out of the UI."""
        async with self._lock:
            if self.identity is not None:
                self._parked[self.identity.subject] = _Parked(
                    self.identity, self._tokens, self._vault
                )
                _log.info("user parked for background sync (%s parked)", safe(len(self._parked)))
            self._clear()
            self._announce()

    async def release_parked(self, subject: str) -> None:
        """The sync worker drained a parked user's outbox: close their vault."""
        parked = self._parked.pop(subject, None)
        if parked is not None and parked.vault is not None:
            await parked.vault.close()
        self._announce()

    async def sign_out(self) -> None:
        """End the session; the vault closes, parked outboxes keep syncing."""
        async with self._lock:
            vault = self._vault
            self._clear()
            if vault is not None:
                await vault.close()
            self._announce()

    async def shutdown(self) -> None:
        """Close every vault and the login client (shutdown hook)."""
        if self._oidc is not None:
            await self._oidc.aclose()
        vault = self._vault
        self._clear()
        for parked in list(self._parked.values()):
            if parked.vault is not None:
                await parked.vault.close()
        self._parked.clear()
        if vault is not None:
            await vault.close()

    # -- internals ------------------------------------------------------------------------------
    async def _activate(
        self, identity: Identity, tokens: TokenManager | None, *, offline: bool
    ) -> None:
        async with self._lock:
            if self.identity is not None and self.identity.subject != identity.subject:
                # Someone else took over a locked station: the previous user is parked.
                self._parked[self.identity.subject] = _Parked(
                    self.identity, self._tokens, self._vault
                )
                self._clear()
            parked = self._parked.pop(identity.subject, None)
            vault = parked.vault if parked is not None else self._vault
            if vault is None and self._open_vault is not None:
                vault = await self._open_vault(identity)
            self.identity = identity
            self._tokens = tokens
            self.offline_mode = offline
            await self._use_vault(identity, vault)
            self.state = SessionState.ACTIVE
            self._announce()
        await self._audit(AuditAction.UNLOCK if offline else AuditAction.LOGIN)

    async def reopen_vault(self, *, audited: AuditAction | None = None) -> None:
        """Open the active clinician's vault again (e.g. after its key was restored from the
        recovery key) and announce the session anew so that everything adopts it; ``audited``
        is then written to its audit trail."""
        async with self._lock:
            identity = self.identity
            if self.state is not SessionState.ACTIVE or identity is None:
                raise SessionError("nobody is signed in: sign in first")
            if self._open_vault is None:
                raise SessionError("this session keeps no offline store")
            previous, self._vault = self._vault, None
            if previous is not None:
                await previous.close()
            await self._use_vault(identity, await self._open_vault(identity))
            self._announce()
        if audited is not None:
            await self._audit(audited)

    async def _use_vault(self, identity: Identity, vault: VaultHandle | None) -> None:
        """Make ``vault`` the active clinician's, with its audit trail verified (lock held)."""
        self._vault = vault
        self.audit = None
        if vault is not None and self._audit_factory is not None:
            self.audit = self._audit_factory(identity, vault)
        if self.audit is not None:
            # Verify at start; a break is published by the trail and never blocks the login.
            await self.audit.verify()
            await self.audit.resend_tail()

    async def _audit(self, action: AuditAction) -> None:
        if self.audit is None:
            return
        try:
            await self.audit.record(action)
        except Exception as exc:  # the store reports its own failure; a lock must still lock
            _log.error("audit entry not written: %s", safe(type(exc).__name__))

    def _clear(self) -> None:
        self.audit = None
        self.identity = None
        self._tokens = None
        self._vault = None
        self.offline_mode = False
        self.state = SessionState.SIGNED_OUT

    def _announce(self) -> None:
        ident = self.identity
        self._publish(
            SessionDidChange(
                state=self.state,
                subject=ident.subject if ident else None,
                display_name=ident.display_name if ident else "",
                offline=self.offline_mode,
                syncing_for=self.syncing_for(),
            )
        )


def oidc_config_for(backend_url: str, *, client_id: str = "telemed-workstation") -> OidcConfig:
    """The regional login service of a backend: ``<backend_url>/login`` is the issuer."""
    return OidcConfig(issuer=backend_url.rstrip("/") + "/login", client_id=client_id)
