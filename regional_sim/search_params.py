"""Search parameter definitions and index extraction for the supported resource types.

Each parameter knows how to pull index entries out of a resource JSON object.
An entry is ``(param, system, value, lo_us, hi_us)``:

- token: ``system``/``value`` of a Coding, Identifier or plain code (system ``""``);
- string: ``value`` normalised (case-folded, accents removed), ``system`` ``""``;
- reference: ``system`` = target type, ``value`` = target id; canonical
  references use ``system`` = ``"canonical"`` and ``value`` = the URL without
  ``|version``;
- uri: ``value`` = the URI;
- date: ``lo_us``/``hi_us`` half-open range.

Pure functions, any thread.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from .fhirdates import parse_range, period_range

__all__ = [
    "RESOURCE_TYPES",
    "SEARCH_PARAMS",
    "IndexEntry",
    "SearchParam",
    "extract_index",
    "normalize_string",
    "parse_reference",
]

Kind = Literal["token", "string", "reference", "date", "uri"]
IndexEntry = tuple[str, str, str, int | None, int | None]
Json = dict[str, Any]

RESOURCE_TYPES: tuple[str, ...] = (
    "Patient",
    "Practitioner",
    "Appointment",
    "ServiceRequest",
    "Task",
    "Communication",
    "CarePlan",
    "ActivityDefinition",
    "ObservationDefinition",
    "Device",
    "DeviceUseStatement",
    "Observation",
    "Encounter",
    "Consent",
    "Questionnaire",
    "QuestionnaireResponse",
    "DocumentReference",
    "Binary",
    "Flag",
    "DetectedIssue",
    "AuditEvent",
    "Provenance",
)

_REF_RE = re.compile(r"(?:^|/)([A-Z][A-Za-z]+)/([A-Za-z0-9\-.]{1,64})(?:/_history/[^/]+)?$")


@dataclass(frozen=True, slots=True)
class SearchParam:
    """One search parameter: its type and the resource paths it indexes.

    ``paths`` are dotted element paths (lists are flattened at each step);
    ``target`` restricts references to one resource type (e.g. ``patient``).
    """

    name: str
    kind: Kind
    paths: tuple[str, ...]
    target: str | None = None

    @property
    def split_paths(self) -> tuple[tuple[str, ...], ...]:
        """``paths`` split at dots."""
        return tuple(tuple(path.split(".")) for path in self.paths)


def normalize_string(text: str) -> str:
    """Case-fold and strip accents, for FHIR string search ("starts with", case/accent-insensitive)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def parse_reference(reference: str) -> tuple[str, str] | None:
    """Split ``Type/id`` (relative, absolute or versioned) into ``(type, id)``; None otherwise."""
    match = _REF_RE.search(reference)
    if match is None:
        return None
    return match.group(1), match.group(2)


def _walk(node: Any, parts: tuple[str, ...]) -> Iterator[Any]:
    if isinstance(node, list):
        for item in node:
            yield from _walk(item, parts)
        return
    if not parts:
        if node is not None:
            yield node
        return
    if isinstance(node, dict):
        yield from _walk(node.get(parts[0]), parts[1:])


def _values(resource: Json, paths: Iterable[tuple[str, ...]]) -> Iterator[Any]:
    for parts in paths:
        first = resource.get(parts[0])
        if first is None:
            continue
        if len(parts) == 1 and not isinstance(first, list):
            yield first
        else:
            yield from _walk(first, parts[1:])


def _token_entries(name: str, value: Any) -> Iterator[IndexEntry]:
    if isinstance(value, bool):
        yield name, "", "true" if value else "false", None, None
    elif isinstance(value, str):
        yield name, "", value, None, None
    elif isinstance(value, dict):
        if "coding" in value:
            for coding in value.get("coding") or []:
                yield from _token_entries(name, coding)
        elif "code" in value:
            yield name, str(value.get("system") or ""), str(value["code"]), None, None
        elif "value" in value:
            yield name, str(value.get("system") or ""), str(value["value"]), None, None
        elif "deviceIdentifier" in value:
            yield name, str(value.get("issuer") or ""), str(value["deviceIdentifier"]), None, None


def _string_entries(name: str, value: Any) -> Iterator[IndexEntry]:
    if isinstance(value, str):
        yield name, "", normalize_string(value), None, None
    elif isinstance(value, dict):
        for key in ("text", "family", "given", "prefix", "suffix", "line", "city", "postalCode"):
            part = value.get(key)
            for item in part if isinstance(part, list) else [part]:
                if isinstance(item, str):
                    yield name, "", normalize_string(item), None, None


def _reference_entries(name: str, value: Any, target: str | None) -> Iterator[IndexEntry]:
    if isinstance(value, str):  # canonical
        yield name, "canonical", value.split("|", 1)[0], None, None
        return
    if not isinstance(value, dict):
        return
    reference = value.get("reference")
    if not isinstance(reference, str):
        return
    parsed = parse_reference(reference)
    if parsed is None:
        if target is None:
            yield name, "", reference, None, None
        return
    if target is not None and parsed[0] != target:
        return
    yield name, parsed[0], parsed[1], None, None


def _date_entries(name: str, value: Any) -> Iterator[IndexEntry]:
    if isinstance(value, str):
        lo, hi = parse_range(value)
        yield name, "", "", lo, hi
    elif isinstance(value, dict) and ("start" in value or "end" in value):
        lo, hi = period_range(value.get("start"), value.get("end"))
        yield name, "", "", lo, hi


def _entries(param: SearchParam, resource: Json) -> Iterator[IndexEntry]:
    for value in _values(resource, _SPLIT[param]):
        if param.kind == "token":
            yield from _token_entries(param.name, value)
        elif param.kind == "uri":
            if isinstance(value, str):
                yield param.name, "", value, None, None
        elif param.kind == "string":
            yield from _string_entries(param.name, value)
        elif param.kind == "reference":
            yield from _reference_entries(param.name, value, param.target)
        else:
            yield from _date_entries(param.name, value)


def _p(name: str, kind: Kind, *paths: str, target: str | None = None) -> SearchParam:
    return SearchParam(name=name, kind=kind, paths=paths, target=target)


def _subject(path: str = "subject") -> list[SearchParam]:
    return [_p("subject", "reference", path), _p("patient", "reference", path, target="Patient")]


_OBS_DATE = ("effectiveDateTime", "effectivePeriod", "effectiveInstant")

_DEFS: dict[str, list[SearchParam]] = {
    "Patient": [
        _p("name", "string", "name"),
        _p("family", "string", "name.family"),
        _p("given", "string", "name.given"),
        _p("birthdate", "date", "birthDate"),
        _p("gender", "token", "gender"),
        _p("active", "token", "active"),
        _p("general-practitioner", "reference", "generalPractitioner"),
    ],
    "Practitioner": [
        _p("name", "string", "name"),
        _p("family", "string", "name.family"),
        _p("given", "string", "name.given"),
        _p("active", "token", "active"),
    ],
    "Appointment": [
        _p("date", "date", "start"),
        _p("status", "token", "status"),
        _p("actor", "reference", "participant.actor"),
        _p("patient", "reference", "participant.actor", target="Patient"),
        _p("practitioner", "reference", "participant.actor", target="Practitioner"),
        _p("service-type", "token", "serviceType"),
        _p("appointment-type", "token", "appointmentType"),
        _p("based-on", "reference", "basedOn"),
    ],
    "ServiceRequest": [
        *_subject(),
        _p("status", "token", "status"),
        _p("intent", "token", "intent"),
        _p("code", "token", "code"),
        _p("category", "token", "category"),
        _p("requester", "reference", "requester"),
        _p("performer", "reference", "performer"),
        _p("authored", "date", "authoredOn"),
        _p("encounter", "reference", "encounter"),
    ],
    "Task": [
        _p("owner", "reference", "owner"),
        _p("status", "token", "status"),
        _p("business-status", "token", "businessStatus"),
        _p("intent", "token", "intent"),
        _p("code", "token", "code"),
        _p("subject", "reference", "for"),
        _p("patient", "reference", "for", target="Patient"),
        _p("focus", "reference", "focus"),
        _p("based-on", "reference", "basedOn"),
        _p("requester", "reference", "requester"),
        _p("authored-on", "date", "authoredOn"),
        _p("modified", "date", "lastModified"),
    ],
    "Communication": [
        *_subject(),
        _p("status", "token", "status"),
        _p("category", "token", "category"),
        _p("sender", "reference", "sender"),
        _p("recipient", "reference", "recipient"),
        _p("based-on", "reference", "basedOn"),
        _p("part-of", "reference", "partOf"),
        _p("encounter", "reference", "encounter"),
        _p("sent", "date", "sent"),
    ],
    "CarePlan": [
        *_subject(),
        _p("status", "token", "status"),
        _p("intent", "token", "intent"),
        _p("category", "token", "category"),
        _p("date", "date", "period"),
        _p("instantiates-canonical", "reference", "instantiatesCanonical"),
        _p("care-team", "reference", "careTeam"),
        _p("activity-reference", "reference", "activity.reference"),
    ],
    "ActivityDefinition": [
        _p("url", "uri", "url"),
        _p("name", "string", "name"),
        _p("title", "string", "title"),
        _p("status", "token", "status"),
        _p("version", "token", "version"),
    ],
    "ObservationDefinition": [
        _p("code", "token", "code"),
        _p("category", "token", "category"),
    ],
    "Device": [
        _p("patient", "reference", "patient"),
        _p("status", "token", "status"),
        _p("type", "token", "type"),
        _p("udi-di", "token", "udiCarrier"),
        _p("udi-carrier", "string", "udiCarrier.carrierHRF"),
        _p("manufacturer", "string", "manufacturer"),
        _p("model", "string", "modelNumber"),
        _p("organization", "reference", "owner"),
    ],
    "DeviceUseStatement": [
        *_subject(),
        _p("device", "reference", "device"),
    ],
    "Observation": [
        *_subject(),
        _p("code", "token", "code"),
        _p("component-code", "token", "component.code"),
        _p("combo-code", "token", "code", "component.code"),
        _p("date", "date", *_OBS_DATE),
        _p("status", "token", "status"),
        _p("category", "token", "category"),
        _p("device", "reference", "device"),
        _p("based-on", "reference", "basedOn"),
        _p("encounter", "reference", "encounter"),
        _p("performer", "reference", "performer"),
        _p("derived-from", "reference", "derivedFrom"),
        _p("has-member", "reference", "hasMember"),
        _p("focus", "reference", "focus"),
    ],
    "Encounter": [
        *_subject(),
        _p("status", "token", "status"),
        _p("class", "token", "class"),
        _p("type", "token", "type"),
        _p("date", "date", "period"),
        _p("participant", "reference", "participant.individual"),
        _p("practitioner", "reference", "participant.individual", target="Practitioner"),
        _p("appointment", "reference", "appointment"),
        _p("based-on", "reference", "basedOn"),
    ],
    "Consent": [
        _p("patient", "reference", "patient"),
        _p("status", "token", "status"),
        _p("category", "token", "category"),
        _p("scope", "token", "scope"),
        _p("date", "date", "dateTime"),
        _p("period", "date", "provision.period"),
        _p("action", "token", "provision.action"),
        _p("actor", "reference", "provision.actor.reference"),
        _p("data", "reference", "provision.data.reference"),
    ],
    "Questionnaire": [
        _p("url", "uri", "url"),
        _p("name", "string", "name"),
        _p("title", "string", "title"),
        _p("status", "token", "status"),
        _p("version", "token", "version"),
        _p("code", "token", "code"),
    ],
    "QuestionnaireResponse": [
        *_subject(),
        _p("questionnaire", "reference", "questionnaire"),
        _p("status", "token", "status"),
        _p("authored", "date", "authored"),
        _p("encounter", "reference", "encounter"),
        _p("author", "reference", "author"),
        _p("based-on", "reference", "basedOn"),
    ],
    "DocumentReference": [
        *_subject(),
        _p("type", "token", "type"),
        _p("category", "token", "category"),
        _p("status", "token", "status"),
        _p("date", "date", "date"),
        _p("author", "reference", "author"),
        _p("encounter", "reference", "context.encounter"),
        _p("related", "reference", "context.related"),
        _p("relatesto", "reference", "relatesTo.target"),
    ],
    "Binary": [],
    "Flag": [
        *_subject(),
        _p("status", "token", "status"),
        _p("category", "token", "category"),
        _p("code", "token", "code"),
        _p("date", "date", "period"),
        _p("encounter", "reference", "encounter"),
        _p("author", "reference", "author"),
    ],
    "DetectedIssue": [
        _p("patient", "reference", "patient"),
        _p("code", "token", "code"),
        _p("status", "token", "status"),
        _p("identified", "date", "identifiedDateTime", "identifiedPeriod"),
        _p("implicated", "reference", "implicated"),
        _p("author", "reference", "author"),
    ],
    "AuditEvent": [
        _p("date", "date", "recorded"),
        _p("type", "token", "type"),
        _p("subtype", "token", "subtype"),
        _p("action", "token", "action"),
        _p("outcome", "token", "outcome"),
        _p("agent", "reference", "agent.who"),
        _p("entity", "reference", "entity.what"),
        _p("patient", "reference", "entity.what", target="Patient"),
        _p("source", "reference", "source.observer"),
    ],
    "Provenance": [
        _p("target", "reference", "target"),
        _p("patient", "reference", "target", target="Patient"),
        _p("agent", "reference", "agent.who"),
        _p("entity", "reference", "entity.what"),
        _p("recorded", "date", "recorded"),
    ],
}

_NO_IDENTIFIER = {"Binary", "AuditEvent", "ObservationDefinition", "Provenance"}


def _build() -> dict[str, dict[str, SearchParam]]:
    out: dict[str, dict[str, SearchParam]] = {}
    for rtype, params in _DEFS.items():
        table = {param.name: param for param in params}
        if rtype not in _NO_IDENTIFIER:
            table["identifier"] = _p("identifier", "token", "identifier")
        if rtype == "ObservationDefinition":
            table["identifier"] = _p("identifier", "token", "identifier")
        if rtype == "Device":
            # Device identifier search also matches the UDI device identifier, so a
            # scanned UDI-DI finds the device whichever element carries it.
            table["identifier"] = _p("identifier", "token", "identifier", "udiCarrier")
        out[rtype] = table
    return out


SEARCH_PARAMS: dict[str, dict[str, SearchParam]] = _build()
_SPLIT: dict[SearchParam, tuple[tuple[str, ...], ...]] = {
    param: param.split_paths for table in SEARCH_PARAMS.values() for param in table.values()
}


def extract_index(rtype: str, resource: Json) -> list[IndexEntry]:
    """Return the de-duplicated search index entries of ``resource``.

    Raises:
        FhirError: 400 if a date element cannot be parsed.
    """
    seen: set[IndexEntry] = set()
    out: list[IndexEntry] = []
    for param in SEARCH_PARAMS.get(rtype, {}).values():
        for entry in _entries(param, resource):
            if entry not in seen:
                seen.add(entry)
                out.append(entry)
    return out
