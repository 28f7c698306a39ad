"""The clinical workflow services of one workstation, wired to the regional backend.

:class:`ClinicalServices` uses the process's FHIR client (``Workstation.backend_client``), a
caching reader (so the agenda and patient header work offline) and the writer for units of
work. The acting practitioner comes from the session; in demo mode it can be
switched among the demo practitioners.

Thread affinity: construct anywhere; coroutines on the core loop.
"""

from __future__ import annotations

from app.backend import BackendError
from app.domain.outbox import OutboxWriter
from app.services.agenda import AgendaService
from app.services.clinical_data import (
    CachingReader,
    ClientProvider,
    Clock,
    DirectWriter,
    FhirReader,
    InMemorySnapshotStore,
    PulledResources,
    SnapshotStore,
    display_name,
    utc_now,
)
from app.services.patients import PatientService
from app.services.pharmacy import PharmacyService
from app.services.questionnaire import QuestionnaireService
from app.services.teleconsult import TeleconsultService
from app.services.visit_drafts import DraftStore, InMemoryDraftStore

DEMO_PRACTITIONERS: tuple[tuple[str, str], ...] = (
    ("Practitioner/prac-mmg-bianchi", "gp"),
    ("Practitioner/prac-ifec-colombo", "nurse"),
    ("Practitioner/prac-farm-ferrari", "pharmacist"),
    ("Practitioner/prac-card-romano", "specialist"),
)


class ClinicalServices:
    """Agenda, patients, teleconsults, questionnaires, pharmacy and report drafts."""

    def __init__(
        self,
        *,
        client: ClientProvider,
        practitioner_ref: str = DEMO_PRACTITIONERS[0][0],
        snapshots: SnapshotStore | None = None,
        writer: OutboxWriter | None = None,
        drafts: DraftStore | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.client = client
        self.practitioner_ref = practitioner_ref
        self._clock = clock
        self.use_stores(writer=writer, snapshots=snapshots, drafts=drafts)

    def use_stores(
        self,
        *,
        writer: OutboxWriter | None = None,
        snapshots: SnapshotStore | None = None,
        drafts: DraftStore | None = None,
        pulled: PulledResources | None = None,
    ) -> None:
        """Switch where units, offline copies and drafts go (e.g. the vault after login).

        ``None`` means the session-only defaults: send at once, keep copies in memory. Switching
        drops the previous in-memory copies (a new user never sees the last one's data).
        """
        clock = self._clock
        self.snapshots = snapshots or InMemorySnapshotStore()
        self.reader = CachingReader(FhirReader(self.client, clock=clock), self.snapshots)
        self.writer: OutboxWriter = writer or DirectWriter(self.client)
        self.drafts: DraftStore = drafts or InMemoryDraftStore()
        self.pulled = pulled
        self.agenda = AgendaService(self.reader, self.writer, clock=clock, pulled=pulled)
        self.patients = PatientService(self.reader, self.writer, clock=clock, pulled=pulled)
        self.teleconsults = TeleconsultService(self.reader, self.writer, clock=clock)
        self.questionnaires = QuestionnaireService(self.reader, self.writer, clock=clock)
        self.pharmacy = PharmacyService(self.patients, self.writer, clock=clock)

    def use_vault(self, vault: object) -> bool:
        """Use an open ``offline_cache`` vault (its outbox and cache) if it has them."""
        outbox = getattr(vault, "outbox", None)
        cache = getattr(vault, "cache", None)
        if outbox is None or cache is None:
            return False
        from app.services.clinical_vault import (
            VaultDraftStore,
            VaultPulledResources,
            VaultSnapshotStore,
        )

        self.use_stores(
            writer=outbox,
            snapshots=VaultSnapshotStore(cache),
            drafts=VaultDraftStore(cache),
            pulled=VaultPulledResources(cache),
        )
        return True

    async def practitioner_name(self, practitioner_ref: str | None = None) -> str:
        """The display name (with title) of a practitioner (default: the acting one).

        Falls back to the reference itself when the backend cannot tell (offline, unknown).
        """
        ref = practitioner_ref or self.practitioner_ref
        rid = ref.rsplit("/", 1)[-1]
        try:
            return display_name(await self.reader.read("Practitioner", rid), with_prefix=True)
        except BackendError:
            return ref
