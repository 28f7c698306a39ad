"""The consent gate of a televisit (PNT televisita model; issue 5).

A televisit cannot start unless the patient's two consents are on record as FHIR Consent:
informed medical consent (``consenso-informato``) and consent to telemedicine delivery
(``consenso-telemedicina``). :class:`ConsentGate` answers which are missing (reading the
patient's Consents through :class:`~app.services.patients.PatientService`), refuses with
:class:`ConsentsMissing`, and records consents captured in the app (a Consent per kind, queued as
an idempotent unit). Consents recorded here count at once, also offline, before the outbox has
delivered them.

Other services (teleassistance, telemonitoring) are not gated.

Thread affinity: core loop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from app.domain.audit import AuditAction
from app.domain.workflows import ConsentKind
from app.services.audit import Recorder
from app.services.patients import PatientService

__all__ = ["REQUIRED_FOR_TELEVISIT", "ConsentGate", "ConsentsMissing"]

REQUIRED_FOR_TELEVISIT = (ConsentKind.INFORMED, ConsentKind.TELEMEDICINE)
GATED_SERVICES = frozenset({"televisita"})


class ConsentsMissing(Exception):
    """The televisit needs consents the patient has not given (``missing``)."""

    def __init__(self, missing: tuple[ConsentKind, ...]) -> None:
        names = ", ".join(k.value for k in missing)
        super().__init__(f"a televisit needs the patient's consents first: {names}")
        self.missing = missing


class ConsentGate:
    """Which consents a patient still needs before a televisit, and capturing them.

    ``patients`` returns the current :class:`PatientService` (it follows the session's stores);
    ``audit`` the active clinician's audit recorder (each consent captured is audited).
    """

    def __init__(
        self,
        patients: Callable[[], PatientService],
        *,
        audit: Callable[[], Recorder | None] | None = None,
    ) -> None:
        self._patients = patients
        self._audit = audit
        self._recorded: set[tuple[str, ConsentKind]] = set()

    async def missing(
        self, patient_id: str, *, service: str = "televisita"
    ) -> tuple[ConsentKind, ...]:
        """The consents still needed for ``service`` (empty: the visit may start)."""
        if service not in GATED_SERVICES:
            return ()
        header = await self._patients().header(patient_id)
        return tuple(
            kind
            for kind in REQUIRED_FOR_TELEVISIT
            if not header.consent(kind) and (patient_id, kind) not in self._recorded
        )

    async def require(self, patient_id: str, *, service: str = "televisita") -> None:
        """Raise :class:`ConsentsMissing` unless ``service`` may start for the patient."""
        missing = await self.missing(patient_id, service=service)
        if missing:
            raise ConsentsMissing(missing)

    async def record(
        self, patient_id: str, kinds: Iterable[ConsentKind], *, practitioner_ref: str
    ) -> None:
        """Record consents the patient has just given (one Consent each, via the outbox)."""
        service = self._patients()
        for kind in kinds:
            unit = await service.record_consent(patient_id, kind, practitioner_ref=practitioner_ref)
            self._recorded.add((patient_id, kind))
            record = self._audit() if self._audit is not None else None
            if record is not None:
                await record(
                    AuditAction.CONSENT, patient_id=patient_id, what=f"urn:uuid:{unit.unit_id}"
                )
