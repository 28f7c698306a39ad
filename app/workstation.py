"""Composition of the core: runtime, event bus, settings and the services later issues add.

Thread affinity: construct, ``start`` and ``stop`` on the GUI (main) thread; coroutine methods run
on the core loop.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import keyring

from app.backend.client import FhirClient, TokenProvider
from app.backend.errors import Unauthorized
from app.config import ConfigError, Paths, Settings, load_settings, save_settings
from app.domain.audit import AuditAction
from app.events import BackendConnectionDidChange, ConnectionState, EventBus
from app.logs import safe
from app.runtime import CoreRuntime, assert_on_core_loop
from app.services.audit import AuditFeed, AuditTrail, Recorder, audit_trail_for
from app.services.demo_backend import DemoBackend, DemoBackendError
from app.services.sync import SyncService, VaultSession, restore_vault_key
from app.services.telemonitoring import FhirTelemonitoringSource, OfflineCopy
from app.session.demo import demo_browser
from app.session.errors import SessionError
from app.session.events import SessionDidChange, SessionState
from app.session.manager import SessionManager, oidc_config_for
from app.session.offline import Identity, OfflineUnlock
from app.session.oidc import OidcClient
from app.session.tokens import TokenStore
from offline_cache.errors import StoreError

if TYPE_CHECKING:
    from app.domain.outbox import OutboxWriter
    from app.services.devices import DeviceService, PatientChoice
    from offline_cache.outbox import QueueCounts

_log = logging.getLogger(__name__)

#: Most patients whose trends are saved for offline use after each pull.
PREFETCH_PATIENTS = 40
#: Seconds between the first pull after start and the first saving of trends.
PREFETCH_FIRST_DELAY_S = 30.0


class Workstation:
    """The running core of one workstation process."""

    def __init__(self, *, settings: Settings, paths: Paths) -> None:
        self.paths = paths
        self._settings = settings
        self.runtime = CoreRuntime()
        self._bus: EventBus | None = None
        self.demo_backend: DemoBackend | None = None
        #: Supplies access tokens to the backend client (set by the login session; None: anonymous).
        self.token_provider: TokenProvider | None = None
        self._client: FhirClient | None = None
        self._backend_ready: asyncio.Event | None = None
        #: Who is working: login, offline unlock, lock, user switch (app.session); set in start().
        self.session: SessionManager | None = None
        #: The active clinician's offline store and its sync (issue 4); set in start().
        self.sync: SyncService | None = None
        #: Telemonitoring worklist, trends and alerts from the backend (issue 7); set in start().
        self.telemonitoring: FhirTelemonitoringSource | None = None
        #: Where the clinicians' encrypted stores live.
        self.vault_dir = paths.data_dir
        #: Demo mode without an OS secret store: keys in memory, stores deleted at exit.
        self.ephemeral_store = False
        self._prefetched_once = False

    def device_service(self) -> DeviceService:
        """Bluetooth devices (issue 6), created on first use on the OS adapter (in demo mode,
        on the virtual device lab started with the core). Confirmed measurements go to the
        active clinician's outbox once the store is open."""
        # Imported here: bleak and the device stack load only when the Devices area is used.
        from app.services.devices import DeviceService

        service: DeviceService | None = getattr(self, "_device_service", None)
        if service is None:
            service = DeviceService.for_platform(
                outbox=self._active_outbox,
                bus=self.bus,
                patients=self._device_patients,
                cursor_path=self.paths.data_dir / "devices" / "record_cursors.json",
            )
            self._device_service = service
            self._show_device_readings(service)
            self.runtime.add_shutdown_hook(service.shutdown)
        return service

    def _show_device_readings(self, service: DeviceService) -> None:
        """Point-of-care readings appear in the telemonitoring trends as soon as they are saved."""
        if self.telemonitoring is not None:
            service.on_saved = self.telemonitoring.add_observations

    @property
    def practitioner_reference(self) -> str | None:
        """``Practitioner/<id>`` of the clinician at work, or None when nobody is logged in."""
        identity = self.session.identity if self.session is not None else None
        return identity.practitioner_reference if identity is not None else None

    async def sync_queue_counts(self) -> QueueCounts | None:
        """Queue counters of the active clinician's outbox (None when no store is open)."""
        vault = self.sync.vault if self.sync is not None else None
        return await vault.outbox.counts() if vault is not None else None

    def _active_outbox(self) -> OutboxWriter | None:
        vault = self.sync.vault if self.sync is not None else None
        return vault.outbox if vault is not None else None

    def _offline_copy(self) -> OfflineCopy | None:
        """The active clinician's saved copies (None when no store is open)."""
        from app.services.clinical_vault import VaultPulledResources, VaultSnapshotStore

        vault = self.sync.vault if self.sync is not None else None
        if vault is None:
            return None
        return OfflineCopy(VaultPulledResources(vault.cache), VaultSnapshotStore(vault.cache))

    async def _prefetch_for_offline(self) -> None:
        """After each pull, save in the clinician's vault the trends they may need if the link
        drops: patients of their day (televisits, teleconsults, alerts) first, then every
        telemonitored patient with an active alert (at most ``PREFETCH_PATIENTS``)."""
        from app.services.agenda import AgendaService
        from app.services.clinical_data import FhirReader

        if not self._prefetched_once:
            # Not in the same breath as the login's own loads: a little later.
            self._prefetched_once = True
            await asyncio.sleep(PREFETCH_FIRST_DELAY_S)
        practitioner, source = self.practitioner_reference, self.telemonitoring
        if practitioner is None or source is None or self._offline_copy() is None:
            return
        day = await AgendaService(FhirReader(self.backend_client)).load(practitioner)
        wanted = [i.patient_id for i in day.items if i.patient_id]
        monitored = sorted(await source.list_patients(), key=lambda p: p.urgency(), reverse=True)
        wanted += [p.patient_id for p in monitored if p.active_alerts]
        chosen = list(dict.fromkeys(wanted))[:PREFETCH_PATIENTS]
        if self.practitioner_reference != practitioner:
            return  # another clinician took over meanwhile: their vault is not for this list
        saved = await source.prefetch(chosen)  # takes the active vault before its first await
        _log.info("trends saved for offline use: %s", safe(saved))

    async def _device_patients(self) -> list[PatientChoice]:
        """Patients offered by the Devices page (first page of the backend's Patient list)."""
        from app.services.devices import patient_choice

        try:
            client = await self.backend_client(timeout_s=10.0)
            found = await client.search("Patient", {"_count": "50"}, max_pages=1)
        except Exception as exc:  # offline: the page still works, with no patient to pick
            _log.info("device patients unavailable: %s", safe(type(exc).__name__))
            return []
        choices = [patient_choice(p) for p in found.matches]
        return [c for c in choices if c is not None]

    async def _start_demo_devices(self) -> None:
        """The virtual device lab of demo mode; if it cannot start, the Devices area falls
        back to the real adapter and the rest of the workstation starts anyway."""
        from app.services.device_demo import start_demo_devices

        try:
            demo = await asyncio.wait_for(
                start_demo_devices(
                    bus=self.bus, outbox=self._active_outbox, patients=self._device_patients
                ),
                timeout=10.0,
            )
        except Exception as exc:  # demo extras must never block the core
            _log.error("demo devices not started: %s", safe(type(exc).__name__))
            return
        self._device_service = demo.service
        self._show_device_readings(demo.service)
        self.runtime.add_shutdown_hook(demo.stop)

    @property
    def settings(self) -> Settings:
        return self._settings

    @property
    def bus(self) -> EventBus:
        if self._bus is None:
            raise RuntimeError("workstation not started")
        return self._bus

    def start(self, *, timeout_s: float = 20.0) -> None:
        """Start the core loop and the core services (blocks up to ``timeout_s``)."""
        self.runtime.start()
        self._bus = EventBus(self.runtime.loop)
        self.runtime.submit(self._start_services()).result(timeout=timeout_s)

    async def _start_services(self) -> None:
        if self._settings.demo:
            await self._demo_keys_without_secret_store()
        self.session = SessionManager(
            publish=self.bus.publish,
            offline=OfflineUnlock(self.paths.data_dir / "session" / "offline"),
            token_store=TokenStore(memory_fallback=self._settings.demo),
            # Built at first login: in demo mode the backend's address is known only later.
            oidc=lambda: OidcClient(oidc_config_for(self._settings.backend_url)),
            vault_opener=self._open_vault,
            audit_factory=self._audit_trail,
        )
        self.runtime.add_shutdown_hook(self.session.shutdown)
        # Measurements and calls announced on the bus go to the clinician's audit trail.
        self._audit_feed = AuditFeed(bus=self.bus, recorder=self._audit_recorder)
        if not self._settings.demo:
            # The regional services see the logged-in clinician's token (demo: no auth there).
            self.token_provider = self._bearer_token
        self.sync = SyncService(
            publish=self.bus.publish,
            client_source=self.backend_client,
            parked_client_source=self._parked_client,
            show_recovery_keys=not self.ephemeral_store,
            after_pull=self._prefetch_for_offline,
        )
        self.runtime.add_shutdown_hook(self.sync.close)
        # A parked clinician who comes back reuses their open vault: make it the active one.
        self.bus.subscribe(SessionDidChange, self._on_session_for_sync)
        self.telemonitoring = FhirTelemonitoringSource(
            client_factory=self.backend_client,
            outbox=self._active_outbox,
            author_reference=lambda: self.practitioner_reference,
            offline_copy=self._offline_copy,
        )
        self._telemonitoring_subject: str | None = None
        self.bus.subscribe(SessionDidChange, self._on_session_for_telemonitoring)
        self._backend_ready = asyncio.Event()
        self.runtime.add_shutdown_hook(self._close_client)
        if not self._settings.demo:
            self._backend_ready.set()
        if self._settings.demo:
            self.demo_backend = DemoBackend(data_dir=self.paths.data_dir)
            self.runtime.add_shutdown_hook(self.demo_backend.stop)
            self.runtime.spawn(self._start_demo_backend(self.demo_backend), name="demo-backend")
            await self._start_demo_devices()
        _log.info("core services started")

    async def _demo_keys_without_secret_store(self) -> None:
        """Demo mode on a machine without an OS secret store (a fresh VM, a CI box): the demo
        still works in full, with its keys in this process's memory and its encrypted stores in
        a directory of this process that is deleted at exit. Outside demo mode the workstation
        refuses to store health data without a secret store."""
        from offline_cache.keys import SecretStore, SessionMemoryKeyring

        try:
            await asyncio.to_thread(SecretStore().check_available)
            return
        except StoreError:
            pass
        previous = keyring.get_keyring()
        keyring.set_keyring(SessionMemoryKeyring())
        root = self.paths.data_dir / "demo-session"
        await asyncio.to_thread(_remove_stale_demo_stores, root)
        self.vault_dir = root / str(os.getpid())
        self.ephemeral_store = True
        _log.warning("demo without a secret store: keys in memory, stores deleted at exit")

        async def restore() -> None:  # registered first: runs after every store has closed
            keyring.set_keyring(previous)
            await asyncio.to_thread(shutil.rmtree, self.vault_dir, True)

        self.runtime.add_shutdown_hook(restore)

    async def _start_demo_backend(self, backend: DemoBackend) -> None:
        """Start the bundled backend in the background: the window does not wait for it."""
        self.bus.publish(BackendConnectionDidChange(ConnectionState.CONNECTING, "demo backend"))
        try:
            url = await backend.start()
        except DemoBackendError as exc:
            _log.error("demo backend failed to start")
            self.bus.publish(BackendConnectionDidChange(ConnectionState.OFFLINE, str(exc)))
            return
        # Demo mode talks to the bundled backend; the user's saved address is left untouched.
        self._settings = self._settings.replace(backend_url=url)
        assert self._backend_ready is not None
        self._backend_ready.set()
        self.bus.publish(BackendConnectionDidChange(ConnectionState.ONLINE, "demo backend"))
        await self._demo_login()

    async def _demo_login(self) -> None:
        """Demo mode opens straight to work: log in as the demo GP at the bundled provider."""
        assert self.session is not None
        try:
            await self.session.login(demo_browser())
        except SessionError as exc:
            _log.error("demo login failed: %s", safe(type(exc).__name__))

    async def backend_client(self, *, timeout_s: float = 30.0) -> FhirClient:
        """The one FHIR client of this process, for the configured regional backend.

        In demo mode it waits (up to ``timeout_s``) for the bundled backend to be up. Core loop only.
        Raises ``TimeoutError`` if the backend does not come up in time.
        """
        assert_on_core_loop()
        if self._backend_ready is None:
            raise RuntimeError("workstation not started")
        await asyncio.wait_for(self._backend_ready.wait(), timeout_s)
        if self._client is None:
            self._client = FhirClient(
                self._settings.fhir_base_url,
                token_provider=self.token_provider,
                ca_bundle_path=self._settings.ca_bundle,
            )
        return self._client

    async def _open_vault(self, identity: Identity) -> VaultSession:
        """Open the clinician's encrypted offline store at login and start its sync."""
        assert self.sync is not None
        return await self.sync.open_for(
            data_dir=self.vault_dir, tenant=self._settings.tenant, subject=identity.subject
        )

    async def recover_offline_store(self, recovery_key: str) -> None:
        """The secret store lost (or holds another) key of the signed-in clinician's store:
        restore it from their recovery key and open the store, audited. Nothing in the store is
        changed. Raises ``SessionError`` (nobody signed in), the ``offline_cache`` errors
        (``WrongKey`` for a key that is not this store's...) and FileNotFoundError (no store).
        Core loop only."""
        session, sync = self.session, self.sync
        if session is None or sync is None or session.identity is None:
            raise SessionError("nobody is signed in: sign in first")
        if session.state is not SessionState.ACTIVE:
            raise SessionError("the workstation is locked: unlock it first")
        await restore_vault_key(
            data_dir=self.vault_dir,
            tenant=self._settings.tenant,
            subject=session.identity.subject,
            recovery_key=recovery_key,
        )
        _log.warning("offline store key restored from the recovery key")
        await session.reopen_vault(audited=AuditAction.KEY_RECOVERY)

    def _audit_trail(self, identity: Identity, handle: object) -> AuditTrail | None:
        """The audit trail of a freshly opened vault (None when the store could not open)."""
        vault = handle.vault if isinstance(handle, VaultSession) else None
        if vault is None:
            return None
        return audit_trail_for(
            vault,
            actor=identity.subject,
            actor_name=identity.display_name,
            publish=self.bus.publish,
        )

    def _audit_recorder(self) -> Recorder | None:
        audit = self.session.audit if self.session is not None else None
        return audit.record if audit is not None else None

    async def _bearer_token(self, *, force_refresh: bool) -> str:
        """``TokenProvider`` of the FHIR client: the session's token; none while nobody is
        logged in online; after a 401, a refresh or an error that the sync worker treats as
        "sign in again" (never a dead letter)."""
        assert self.session is not None
        if self.session.tokens is None and not force_refresh:
            return ""  # nobody logged in online (offline unlock, login screen): anonymous
        try:
            return await self.session.bearer_token(force_refresh=force_refresh)
        except SessionError as exc:
            raise Unauthorized(str(exc), status=401) from exc

    async def _parked_client(self, subject: str) -> FhirClient | None:
        """A FHIR client carrying a parked clinician's own tokens, so their queued work keeps
        going out as them after a user switch (None: their items wait for their return)."""
        if self.session is None or subject not in self.session.syncing_for():
            return None
        _vault, tokens = self.session.parked_sync(subject)
        if tokens is None and not self._settings.demo:
            return None
        await self.backend_client()  # the backend is up (demo: its address is known)
        return FhirClient(
            self._settings.fhir_base_url,
            token_provider=None if self._settings.demo else tokens,
            ca_bundle_path=self._settings.ca_bundle,
        )

    def _on_session_for_telemonitoring(self, event: SessionDidChange) -> None:
        """What one clinician loaded is not kept in memory for the next one (or for nobody)."""
        if event.state is SessionState.LOCKED or self.telemonitoring is None:
            return
        subject = event.subject if event.state is SessionState.ACTIVE else None
        if subject != self._telemonitoring_subject:
            self.telemonitoring.forget()
            self._telemonitoring_subject = subject

    def _on_session_for_sync(self, event: SessionDidChange) -> None:
        if self.sync is not None and event.state is SessionState.ACTIVE:
            self.runtime.spawn(self.sync.activate(event.subject), name="sync-activate")

    async def _close_client(self) -> None:
        if self._client is not None:
            client, self._client = self._client, None
            await client.aclose()

    def stop(self) -> None:
        """Await every service's shutdown and stop the loop."""
        self.runtime.stop()

    async def update_settings(self, settings: Settings) -> Settings:
        """Validate, persist (off the loop) and adopt new settings."""
        settings.validate()
        to_save = settings
        if self._settings.demo:
            # A demo session saves only the language and auto-lock: never its own bundled
            # backend's address nor demo mode itself into the station's settings.
            on_disk = await asyncio.to_thread(_saved_settings, self.paths)
            to_save = on_disk.replace(language=settings.language, auto_lock_s=settings.auto_lock_s)
        await asyncio.to_thread(save_settings, self.paths, to_save)
        if self._settings.demo:
            # The bundled backend stays the one this process talks to.
            settings = settings.replace(demo=True, backend_url=self._settings.backend_url)
        elif settings.backend_url != self._settings.backend_url or (
            settings.ca_bundle != self._settings.ca_bundle
        ):
            await self._close_client()
        self._settings = settings
        return settings


def _saved_settings(paths: Paths) -> Settings:
    """The settings on disk (defaults when missing or unreadable)."""
    try:
        return load_settings(paths)
    except ConfigError:
        return Settings()


def _remove_stale_demo_stores(root: Path) -> None:
    """Delete the demo stores of demo processes that are gone (killed before their cleanup):
    their keys died with them, so the files can never be read again."""
    if not root.is_dir():
        return
    for entry in root.iterdir():
        if entry.name.isdigit() and not _process_alive(int(entry.name)):
            shutil.rmtree(entry, ignore_errors=True)


def _process_alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill(pid, 0) would send CTRL_C_EVENT there: keep the files
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
