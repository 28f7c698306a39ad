"""Domain values of the clinical workflows: agenda, patient identity, teleconsults, questionnaires.

Stdlib only, frozen dataclasses, usable from any thread. FHIR mapping lives in ``app.services``.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from app.domain.telemonitoring import Reading

# -- identifier systems (Italian IGs; regional codes as the reference backend uses them) --------
CF_SYSTEM = "http://hl7.it/sid/codiceFiscale"
STP_SYSTEM = "urn:oid:2.16.840.1.113883.2.9.2.30.4.1.1"  # codici STP, Lombardia
ENI_SYSTEM = "urn:oid:2.16.840.1.113883.2.9.4.3.18"  # Europei Non Iscritti
ID_TYPE_SYSTEM = "https://www.hl7.it/fhir/terminology/CodeSystem/it-identifier-type"
CANONICAL_BASE = "https://fhir.regional-sim.example"
SERVICE_SYSTEM = f"{CANONICAL_BASE}/CodeSystem/telemedicine-service"
CONSENT_TYPE_SYSTEM = f"{CANONICAL_BASE}/CodeSystem/consent-type"


class WorkflowError(Exception):
    """Base of the clinical workflow errors; messages are safe to show (no health data)."""


class InvalidSearch(WorkflowError):
    """The search text cannot be used (too short, malformed identifier...)."""


class IdentifierKind(enum.StrEnum):
    """How a patient can be identified at the workstation."""

    CODICE_FISCALE = "CF"
    STP = "STP"  # Straniero Temporaneamente Presente
    ENI = "ENI"  # Europeo Non Iscritto
    TEAM = "TEAM"  # Tessera Europea di Assicurazione Malattia (card number)
    NAME = "NAME"


_STP_RE = re.compile(r"^STP\d{13}$")
_ENI_RE = re.compile(r"^ENI\d{13}$")
_TEAM_RE = re.compile(r"^\d{20}$")


def classify_search_text(text: str) -> tuple[IdentifierKind, str]:
    """Return the kind of identifier the user typed and its normalised form.

    STP/ENI are ``STP``/``ENI`` followed by 13 digits; a TEAM card number has 20 digits; 16
    alphanumerics that start with six letters are a codice fiscale (validated by the caller);
    anything else with at least two letters is a name.

    Raises:
        InvalidSearch: empty text, or too short to be a name.
    """
    compact = re.sub(r"\s+", "", text).upper()
    if not compact:
        raise InvalidSearch("type a codice fiscale, an STP/ENI code, a TEAM number or a name")
    if _STP_RE.match(compact):
        return IdentifierKind.STP, compact
    if _ENI_RE.match(compact):
        return IdentifierKind.ENI, compact
    if _TEAM_RE.match(compact):
        return IdentifierKind.TEAM, compact
    if len(compact) == 16 and compact[:6].isalpha() and any(c.isdigit() for c in compact):
        return IdentifierKind.CODICE_FISCALE, compact
    if compact.startswith(("STP", "ENI")) and compact[3:].isdigit():
        raise InvalidSearch("an STP or ENI code is the prefix followed by 13 digits")
    if compact.isdigit():
        raise InvalidSearch("a TEAM card number has 20 digits")
    name = " ".join(text.split())
    if sum(c.isalpha() for c in name) < 2:
        raise InvalidSearch("type at least two letters of the name")
    return IdentifierKind.NAME, name


# -- agenda ----------------------------------------------------------------------------------
class AgendaItemKind(enum.StrEnum):
    TELEVISIT = "televisita"
    TELEASSISTANCE = "teleassistenza"
    TELECONSULT = "teleconsulto"
    TELEMONITORING = "telemonitoraggio"
    ALERT = "alert"


@dataclass(frozen=True, slots=True)
class AgendaItem:
    """One row of the worklist; ``resource_ref`` is the FHIR resource it comes from."""

    kind: AgendaItemKind
    resource_ref: str
    patient_id: str | None
    patient_name: str
    status: str
    start_utc: datetime | None = None
    end_utc: datetime | None = None
    description: str = ""
    priority: str = "routine"

    def sort_key(self) -> tuple[int, float, str]:
        """Alerts and urgent teleconsults first, then scheduled items by time."""
        urgent = self.kind is AgendaItemKind.ALERT or self.priority in ("urgent", "stat", "asap")
        when = self.start_utc.timestamp() if self.start_utc else 0.0
        return (0 if urgent else 1, when, self.resource_ref)


@dataclass(frozen=True, slots=True)
class Agenda:
    """The worklist of one practitioner for one day.

    ``from_cache`` is True when the backend was unreachable and the items are the last copy
    saved locally (``fetched_at_utc`` says when it was fetched).
    """

    practitioner_ref: str
    day: date
    items: tuple[AgendaItem, ...]
    fetched_at_utc: datetime
    from_cache: bool = False


# -- patient header --------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PatientIdentifier:
    kind: IdentifierKind | None
    system: str
    value: str


class IdentityWarning(enum.StrEnum):
    """Findings of the codice fiscale cross-check against the record's demographics."""

    CF_INVALID = "cf-invalid"  # wrong check letter or malformed code on record
    CF_SEX_MISMATCH = "cf-sex-mismatch"
    CF_BIRTH_DATE_MISMATCH = "cf-birth-date-mismatch"
    CF_OMOCODIA = "cf-omocodia"  # not an error: the code is an omocodia variant


@dataclass(frozen=True, slots=True)
class PatientMatch:
    """A search hit. ``warnings`` are identity cross-check findings (codice fiscale vs data)."""

    patient_id: str
    family: str
    given: str
    gender: str | None
    birth_date: date | None
    identifiers: tuple[PatientIdentifier, ...]
    warnings: tuple[IdentityWarning, ...] = ()

    @property
    def display_name(self) -> str:
        return f"{self.family} {self.given}".strip() or self.patient_id

    def identifier(self, kind: IdentifierKind) -> str | None:
        return next((i.value for i in self.identifiers if i.kind is kind), None)


class ConsentKind(enum.StrEnum):
    INFORMED = "consenso-informato"
    TELEMEDICINE = "consenso-telemedicina"


@dataclass(frozen=True, slots=True)
class ConsentState:
    kind: ConsentKind
    active: bool
    date_utc: datetime | None = None
    resource_ref: str | None = None


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    device_id: str
    label: str
    serial: str | None


@dataclass(frozen=True, slots=True)
class PatientHeader:
    """Everything the patient header shows."""

    patient: PatientMatch
    consents: tuple[ConsentState, ...]
    care_plans: tuple[str, ...]
    devices: tuple[DeviceInfo, ...]
    last_readings: tuple[Reading, ...]

    def consent(self, kind: ConsentKind) -> bool:
        return any(c.kind is kind and c.active for c in self.consents)

    @property
    def televisit_allowed(self) -> bool:
        """Both consents (informed medical consent, telemedicine delivery) are on record."""
        return self.consent(ConsentKind.INFORMED) and self.consent(ConsentKind.TELEMEDICINE)


# -- teleconsult -----------------------------------------------------------------------------
class TeleconsultStatus(enum.StrEnum):
    """Task.status values the teleconsult workflow uses, in order."""

    REQUESTED = "requested"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in-progress"
    COMPLETED = "completed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


_TRANSITIONS: dict[TeleconsultStatus, frozenset[TeleconsultStatus]] = {
    TeleconsultStatus.REQUESTED: frozenset(
        {TeleconsultStatus.ACCEPTED, TeleconsultStatus.REJECTED, TeleconsultStatus.CANCELLED}
    ),
    TeleconsultStatus.ACCEPTED: frozenset(
        {TeleconsultStatus.IN_PROGRESS, TeleconsultStatus.COMPLETED, TeleconsultStatus.CANCELLED}
    ),
    TeleconsultStatus.IN_PROGRESS: frozenset(
        {TeleconsultStatus.COMPLETED, TeleconsultStatus.CANCELLED}
    ),
    TeleconsultStatus.COMPLETED: frozenset(),
    TeleconsultStatus.REJECTED: frozenset(),
    TeleconsultStatus.CANCELLED: frozenset(),
}


class InvalidTransition(WorkflowError):
    """A teleconsult status change that the workflow does not allow from the current status."""


def check_transition(current: TeleconsultStatus, new: TeleconsultStatus) -> None:
    """Raise :class:`InvalidTransition` unless ``current -> new`` is allowed."""
    if new not in _TRANSITIONS[current]:
        raise InvalidTransition(f"a teleconsult cannot go from {current} to {new}")


class AttachmentKind(enum.StrEnum):
    READINGS = "readings"
    TREND_SNAPSHOT = "trend-snapshot"
    DOCUMENT = "document"
    IMAGE = "image"


@dataclass(frozen=True, slots=True)
class SharedAttachment:
    """Data shared with a teleconsult: bytes with their type and a title (max 20 MB each)."""

    kind: AttachmentKind
    title: str
    content_type: str
    data: bytes

    MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class TeleconsultMessage:
    """One message of the thread (the request text or a reply)."""

    message_id: str
    sender_ref: str
    sender_name: str
    sent_utc: datetime | None
    text: str
    in_response_to: str | None = None
    attachments: tuple[tuple[str, str, str], ...] = ()  # (title, content type, url)
    readings: tuple[Reading, ...] = ()  # shared Observations, as readings


@dataclass(frozen=True, slots=True)
class Teleconsult:
    """A teleconsult request with its thread, as read from ServiceRequest/Task/Communication."""

    service_request_id: str
    task_id: str
    task_version: str | None
    status: TeleconsultStatus
    patient_id: str
    patient_name: str
    requester_ref: str
    performer_ref: str
    reason: str
    authored_utc: datetime | None
    priority: str = "routine"
    messages: tuple[TeleconsultMessage, ...] = field(default_factory=tuple)
    # The resources as read, for status changes (PUT with If-Match re-sends the whole Task).
    raw_task: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    raw_request: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)


# -- questionnaire ---------------------------------------------------------------------------
class QuestionType(enum.StrEnum):
    CHOICE = "choice"
    BOOLEAN = "boolean"
    TEXT = "text"
    STRING = "string"
    INTEGER = "integer"


@dataclass(frozen=True, slots=True)
class AnswerOption:
    system: str
    code: str
    display: str


@dataclass(frozen=True, slots=True)
class Question:
    link_id: str
    text: str
    type: QuestionType
    required: bool = False
    options: tuple[AnswerOption, ...] = ()


@dataclass(frozen=True, slots=True)
class QuestionnaireForm:
    url: str
    version: str | None
    title: str
    questions: tuple[Question, ...]
    resource_id: str | None = None


class InvalidAnswers(WorkflowError):
    """Answers that do not fit the questionnaire; ``link_ids`` names the questions at fault."""

    def __init__(self, message: str, link_ids: tuple[str, ...]) -> None:
        super().__init__(message)
        self.link_ids = link_ids
