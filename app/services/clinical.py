"""The clinical workflow services of one workstation, wired to the regional backend.

:class:`ClinicalServices` owns one :class:`app.backend.FhirClient` (created lazily on the core
loop for the current backend address, recreated when the address changes, e.g. once the demo
backend has started), a caching reader (so the agenda and patient header work offline) and the
writer for units of work. The acting practitioner comes from the session; in demo mode it can be
switched among the demo practitioners.

Thread affinity: construct anywhere; coroutines on the core loop.
"""

from __future__ import annotations

from collections.abc import Callable

from app.backend import FhirClient
from app.domain.outbox import OutboxWriter
from app.services.agenda import AgendaService
from app.services.clinical_data import (
    CachingReader,
    Clock,
    DirectWriter,
    FhirReader,
    InMemorySnapshotStore,
    SnapshotStore,
    utc_now,
)
from app.services.patients import PatientService
from app.services.pharmacy import PharmacyService
from app.services.questionnaire import QuestionnaireService
from app.services.teleconsult import TeleconsultService

DEMO_PRACTITIONERS: tuple[tuple[str, str], ...] = (
    ("Practitioner/prac-mmg-bianchi", "gp"),
    ("Practitioner/prac-ifec-colombo", "nurse"),
    ("Practitioner/prac-farm-ferrari", "pharmacist"),
    ("Practitioner/prac-card-romano", "specialist"),
)


class ClinicalServices:
    """Agenda, patients, teleconsults, questionnaires and pharmacy over one backend."""

    def __init__(
        self,
        *,
        fhir_base: Callable[[], str],
        practitioner_ref: str = DEMO_PRACTITIONERS[0][0],
        snapshots: SnapshotStore | None = None,
        writer: OutboxWriter | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self._fhir_base = fhir_base
        self._client: FhirClient | None = None
        self.practitioner_ref = practitioner_ref
        self.snapshots = snapshots or InMemorySnapshotStore()
        self.reader = CachingReader(FhirReader(self.client, clock=clock), self.snapshots)
        self.writer: OutboxWriter = writer or DirectWriter(self.client)
        self.agenda = AgendaService(self.reader, clock=clock)
        self.patients = PatientService(self.reader, self.writer, clock=clock)
        self.teleconsults = TeleconsultService(self.reader, self.writer, clock=clock)
        self.questionnaires = QuestionnaireService(self.reader, self.writer, clock=clock)
        self.pharmacy = PharmacyService(self.patients, self.writer, clock=clock)

    async def client(self) -> FhirClient:
        """The FHIR client for the current backend address (core loop only)."""
        base = self._fhir_base()
        if self._client is None or self._client.base_url != base.rstrip("/") + "/":
            old, self._client = self._client, FhirClient(base)
            if old is not None:
                await old.aclose()
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
