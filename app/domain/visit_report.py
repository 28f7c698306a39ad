"""The Referto di Televisita (visit report) as a domain value, stdlib only.

Sections follow the HL7 Italia televisita report: reason for the visit, history, examination,
conclusions, recommended tests and therapy. The report always states the service was delivered
remotely (national workflow rule).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from datetime import datetime

LOINC_TELEVISIT_REPORT = "75496-0"


class ReportError(ValueError):
    """A report that cannot be signed or rendered; the message is for the clinician."""


class RemoteService(enum.StrEnum):
    TELEVISIT = "televisita"
    TELEASSISTANCE = "teleassistenza"
    TELECONSULT = "teleconsulto"


SECTION_TITLES_IT: dict[str, str] = {
    "reason": "Motivo della televisita",
    "history": "Anamnesi",
    "examination": "Esame obiettivo e parametri rilevati",
    "conclusions": "Conclusioni",
    "recommended_tests": "Accertamenti consigliati",
    "therapy": "Terapia",
}

REMOTE_STATEMENT_IT = {
    RemoteService.TELEVISIT: "Prestazione erogata in modalità di televisita.",
    RemoteService.TELEASSISTANCE: "Prestazione erogata in modalità di teleassistenza.",
    RemoteService.TELECONSULT: "Prestazione erogata in modalità di teleconsulto.",
}


@dataclass(frozen=True, slots=True)
class VisitReport:
    """A visit report; ``signed_at_utc`` is None while it is a draft."""

    report_id: str
    patient_ref: str
    patient_name: str
    patient_codice_fiscale: str
    practitioner_ref: str
    practitioner_name: str
    started_at_utc: datetime
    ended_at_utc: datetime
    service: RemoteService = RemoteService.TELEVISIT
    encounter_ref: str | None = None
    reason: str = ""
    history: str = ""
    examination: str = ""
    conclusions: str = ""
    recommended_tests: str = ""
    therapy: str = ""
    signed_at_utc: datetime | None = None
    measurements: tuple[str, ...] = field(default_factory=tuple)

    def sections(self) -> list[tuple[str, str]]:
        """(Italian title, text) for every section, in report order."""
        return [(title, getattr(self, key)) for key, title in SECTION_TITLES_IT.items()]

    def check_signable(self) -> None:
        """Raise :class:`ReportError` unless reason and conclusions are filled and times agree."""
        if not self.reason.strip():
            raise ReportError("the reason for the visit is required")
        if not self.conclusions.strip():
            raise ReportError("the conclusions are required")
        if self.ended_at_utc < self.started_at_utc:
            raise ReportError("the visit ends before it starts")
        for t in (self.started_at_utc, self.ended_at_utc):
            if t.tzinfo is None:
                raise ReportError("times must be timezone-aware")

    def signed(self, at_utc: datetime) -> VisitReport:
        self.check_signable()
        return replace(self, signed_at_utc=at_utc)
