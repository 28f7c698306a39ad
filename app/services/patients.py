"""Patient search (codice fiscale, STP/ENI/TEAM, name), the patient header and consents.

A codice fiscale is validated before any query (check letter, omocodia, impossible dates);
every match is cross-checked against its recorded sex and birth date, and disagreements come
back as :class:`IdentityWarning` values for the UI to show. Consents are written as units of
work (one ``Consent`` with a client identifier, conditional create).

Thread affinity: core loop.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from app.domain.codice_fiscale import (
    BirthSex,
    CodiceFiscaleMismatch,
    InvalidCodiceFiscale,
    parse_codice_fiscale,
    verify_demographics,
)
from app.domain.outbox import OutboxUnit, UnitKind
from app.domain.telemonitoring import Parameter, Reading
from app.domain.workflows import (
    CF_SYSTEM,
    CONSENT_TYPE_SYSTEM,
    ENI_SYSTEM,
    ID_TYPE_SYSTEM,
    STP_SYSTEM,
    ConsentKind,
    ConsentState,
    DeviceInfo,
    IdentifierKind,
    IdentityWarning,
    PatientHeader,
    PatientIdentifier,
    PatientMatch,
    WorkflowError,
    classify_search_text,
)
from app.services.careplans import parameter_of
from app.services.clinical_data import (
    OFFLINE_ERRORS,
    PulledResources,
    WorkflowService,
    conditional_create,
    human_name,
    make_unit,
    parse_instant,
    ref_id,
)
from app.services.telemonitoring import observation_to_reading

__all__ = ["InvalidCodiceFiscale", "PatientService", "consent_resource", "identity_warnings"]

IDENTIFIER_SYSTEM = "urn:ietf:rfc:3986"
READINGS_WINDOW = timedelta(days=60)

_SYSTEM_KIND = {
    CF_SYSTEM: IdentifierKind.CODICE_FISCALE,
    STP_SYSTEM: IdentifierKind.STP,
    ENI_SYSTEM: IdentifierKind.ENI,
}

_CONSENT_DISPLAY = {
    ConsentKind.INFORMED: "Consenso informato all'atto sanitario",
    ConsentKind.TELEMEDICINE: "Consenso all'erogazione in telemedicina",
}


def _identifier_kind(identifier: Mapping[str, Any]) -> IdentifierKind | None:
    kind = _SYSTEM_KIND.get(str(identifier.get("system") or ""))
    if kind is not None:
        return kind
    for coding in (identifier.get("type") or {}).get("coding") or []:
        if coding.get("system") == ID_TYPE_SYSTEM:
            try:
                return IdentifierKind(str(coding.get("code")))
            except ValueError:
                return None
    return None


def identity_warnings(
    code: str | None, *, gender: str | None, birth_date: date | None
) -> tuple[IdentityWarning, ...]:
    """Cross-check a codice fiscale against recorded gender (FHIR code) and birth date."""
    if not code:
        return ()
    try:
        parsed = parse_codice_fiscale(code)
    except InvalidCodiceFiscale:
        return (IdentityWarning.CF_INVALID,)
    out: list[IdentityWarning] = []
    if parsed.omocodia_level:
        out.append(IdentityWarning.CF_OMOCODIA)
    sex = {"male": BirthSex.MALE, "female": BirthSex.FEMALE}.get(gender or "")
    try:
        verify_demographics(code, sex=sex)
    except CodiceFiscaleMismatch:
        out.append(IdentityWarning.CF_SEX_MISMATCH)
    try:
        verify_demographics(code, birth_date=birth_date)
    except CodiceFiscaleMismatch:
        out.append(IdentityWarning.CF_BIRTH_DATE_MISMATCH)
    return tuple(out)


def patient_match(resource: Mapping[str, Any]) -> PatientMatch:
    """A :class:`PatientMatch` from a FHIR Patient, with its identity warnings."""
    family, given = human_name(resource)
    try:
        birth = date.fromisoformat(str(resource.get("birthDate")))
    except ValueError:
        birth = None
    identifiers = tuple(
        PatientIdentifier(_identifier_kind(i), str(i.get("system") or ""), str(i.get("value")))
        for i in resource.get("identifier") or []
        if i.get("value")
    )
    gender = resource.get("gender")
    cf = next((i.value for i in identifiers if i.kind is IdentifierKind.CODICE_FISCALE), None)
    return PatientMatch(
        patient_id=str(resource.get("id")),
        family=family,
        given=given,
        gender=str(gender) if gender else None,
        birth_date=birth,
        identifiers=identifiers,
        warnings=identity_warnings(cf, gender=gender, birth_date=birth),
    )


def consent_resource(
    *,
    consent_id: str,
    patient_id: str,
    kind: ConsentKind,
    practitioner_ref: str,
    at_utc: datetime,
) -> dict[str, Any]:
    """A FHIR R4 Consent (treatment scope, opt-in, permit) collected at the workstation."""
    return {
        "resourceType": "Consent",
        "identifier": [{"system": IDENTIFIER_SYSTEM, "value": f"urn:uuid:{consent_id}"}],
        "status": "active",
        "scope": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                    "code": "treatment",
                    "display": "Treatment",
                }
            ]
        },
        "category": [
            {
                "coding": [
                    {
                        "system": CONSENT_TYPE_SYSTEM,
                        "code": kind.value,
                        "display": _CONSENT_DISPLAY[kind],
                    },
                    {"system": "http://loinc.org", "code": "59284-0", "display": "Patient Consent"},
                ]
            }
        ],
        "patient": {"reference": f"Patient/{patient_id}"},
        "dateTime": at_utc.isoformat(),
        "performer": [{"reference": f"Patient/{patient_id}"}],
        "policyRule": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                    "code": "OPTIN",
                    "display": "opt-in",
                }
            ]
        },
        "provision": {
            "type": "permit",
            "period": {"start": at_utc.isoformat()},
            "actor": [
                {
                    "role": {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                                "code": "PRCP",
                            }
                        ]
                    },
                    "reference": {"reference": practitioner_ref},
                }
            ],
        },
    }


class PatientService(WorkflowService):
    """Search patients and load their header; record consents."""

    async def search(self, text: str) -> list[PatientMatch]:
        """Patients matching ``text`` (codice fiscale, STP, ENI, TEAM number or name).

        Raises:
            InvalidSearch: text unusable as any identifier or name.
            InvalidCodiceFiscale: a codice fiscale with a wrong check letter, impossible
                date or characters in the wrong places (``reason`` says which).
        """
        kind, value = classify_search_text(text)
        params: dict[str, str | list[str]]
        if kind is IdentifierKind.CODICE_FISCALE:
            parse_codice_fiscale(value)  # raises with the reason before any query
            params = {"identifier": f"{CF_SYSTEM}|{value}"}
        elif kind is IdentifierKind.STP:
            params = {"identifier": f"{STP_SYSTEM}|{value}"}
        elif kind is IdentifierKind.ENI:
            params = {"identifier": f"{ENI_SYSTEM}|{value}"}
        elif kind is IdentifierKind.TEAM:
            params = {"identifier": value}
        else:
            params = {"name": value.split()}
        params["_count"] = "50"
        try:
            found = (await self._reader.search("Patient", params)).matches
        except OFFLINE_ERRORS:
            if self._pulled is None or await self._pulled.pulled_at_utc() is None:
                raise
            found = [p for p in await self._pulled.resources("Patient") if _matches(p, kind, value)]
        matches = [patient_match(p) for p in found]
        return sorted(matches, key=lambda m: (m.family, m.given, m.patient_id))

    async def header(self, patient_id: str) -> PatientHeader:
        """Identity, consents, active care plans, devices in use and the latest readings.

        Offline without a saved answer: from the pulled copy (no readings there).
        """
        try:
            return await self._header_online(patient_id)
        except OFFLINE_ERRORS:
            if self._pulled is None or await self._pulled.pulled_at_utc() is None:
                raise
            return await self._header_pulled(patient_id, self._pulled)

    async def _header_pulled(self, patient_id: str, pulled: PulledResources) -> PatientHeader:
        subject = f"Patient/{patient_id}"
        resource = next(
            (p for p in await pulled.resources("Patient") if p.get("id") == patient_id), None
        )
        if resource is None:
            raise WorkflowError("this patient is not in the offline copy")
        mine = [r for r in await pulled.resources("Consent") if _about(r, subject)]
        plans = [
            r
            for r in await pulled.resources("CarePlan")
            if _about(r, subject) and r.get("status") == "active"
        ]
        uses = [r for r in await pulled.resources("DeviceUseStatement") if _about(r, subject)]
        return PatientHeader(
            patient=patient_match(resource),
            consents=tuple(_consent_states(mine)),
            care_plans=tuple(str(cp.get("title") or cp.get("id")) for cp in plans),
            devices=tuple(_devices(uses, await pulled.resources("Device"))),
            last_readings=(),
        )

    async def _header_online(self, patient_id: str) -> PatientHeader:
        patient = patient_match(await self._reader.read("Patient", patient_id))
        subject = f"Patient/{patient_id}"
        consents = await self._reader.search("Consent", {"patient": subject})
        plans = await self._reader.search("CarePlan", {"subject": subject, "status": "active"})
        uses = await self._reader.search(
            "DeviceUseStatement",
            {"subject": subject},
            include=["DeviceUseStatement:device"],
        )
        since = self._clock() - READINGS_WINDOW
        observations = await self._reader.search(
            "Observation",
            {"subject": subject, "date": f"ge{since.isoformat()}", "_count": "1000"},
        )
        return PatientHeader(
            patient=patient,
            consents=tuple(_consent_states(consents.matches)),
            care_plans=tuple(str(cp.get("title") or cp.get("id")) for cp in plans.matches),
            devices=tuple(_devices(uses.matches, uses.included)),
            last_readings=tuple(latest_readings(observations.matches)),
        )

    async def history(self, patient_id: str, *, days: int = 30) -> dict[Parameter, list[Reading]]:
        """Every reading of the last ``days`` days, per parameter, oldest first (for trends)."""
        since = self._clock() - timedelta(days=days)
        observations = await self._reader.search(
            "Observation",
            {
                "subject": f"Patient/{patient_id}",
                "date": f"ge{since.isoformat()}",
                "_count": "1000",
            },
        )
        return readings_by_parameter(observations.matches)

    def consent_unit(
        self,
        patient_id: str,
        kind: ConsentKind,
        *,
        practitioner_ref: str,
        consent_id: uuid.UUID | None = None,
    ) -> OutboxUnit:
        """A Consent collected now, as a conditional create on its client identifier."""
        cid = consent_id or uuid.uuid4()
        ident = f"urn:uuid:{cid}"
        resource = consent_resource(
            consent_id=str(cid),
            patient_id=patient_id,
            kind=kind,
            practitioner_ref=practitioner_ref,
            at_utc=self._clock(),
        )
        return make_unit(
            unit_id=cid,
            kind=UnitKind.CONSENT,
            patient_key=patient_id,
            entries=[
                conditional_create(resource, full_url=ident, system=IDENTIFIER_SYSTEM, value=ident)
            ],
            label="Consenso",
        )

    async def record_consent(
        self,
        patient_id: str,
        kind: ConsentKind,
        *,
        practitioner_ref: str,
        consent_id: uuid.UUID | None = None,
    ) -> OutboxUnit:
        """Build :meth:`consent_unit` and hand it to the writer (outbox)."""
        unit = self.consent_unit(
            patient_id, kind, practitioner_ref=practitioner_ref, consent_id=consent_id
        )
        await self._require_writer().enqueue(unit)
        return unit


def _consent_states(consents: Iterable[Mapping[str, Any]]) -> Iterable[ConsentState]:
    now = datetime.now(UTC)
    for c in consents:
        kinds = [
            coding.get("code")
            for cat in c.get("category") or []
            for coding in cat.get("coding") or []
            if coding.get("system") == CONSENT_TYPE_SYSTEM
        ]
        provision = c.get("provision") or {}
        end = parse_instant((provision.get("period") or {}).get("end"))
        active = (
            c.get("status") == "active"
            and provision.get("type", "permit") == "permit"
            and (end is None or end > now)
        )
        for code in kinds:
            try:
                kind = ConsentKind(str(code))
            except ValueError:
                continue
            yield ConsentState(
                kind, active, parse_instant(c.get("dateTime")), f"Consent/{c.get('id')}"
            )


def _devices(
    uses: Iterable[Mapping[str, Any]], included: Iterable[Mapping[str, Any]]
) -> Iterable[DeviceInfo]:
    devices = {str(d.get("id")): d for d in included if d.get("resourceType") == "Device"}
    for use in uses:
        if use.get("status") not in ("active", "intended", None):
            continue
        did = ref_id(use.get("device"), "Device")
        device = devices.get(did or "")
        if did is None:
            continue
        if device is None:
            yield DeviceInfo(did, did, None)
            continue
        names = [str(n.get("name")) for n in device.get("deviceName") or [] if n.get("name")]
        label = names[0] if names else str((device.get("type") or {}).get("text") or did)
        yield DeviceInfo(did, label, device.get("serialNumber"))


def latest_readings(observations: Iterable[Mapping[str, Any]]) -> list[Reading]:
    """The most recent reading of every parameter found, in :class:`Parameter` order."""
    return [series[-1] for series in readings_by_parameter(observations).values()]


def readings_by_parameter(
    observations: Iterable[Mapping[str, Any]],
) -> dict[Parameter, list[Reading]]:
    """Readings per parameter (panels give one per component), oldest first."""
    out: dict[Parameter, list[Reading]] = {}
    for obs in observations:
        if obs.get("status") in ("entered-in-error", "cancelled"):
            continue
        params = {parameter_of(obs.get("code"))} | {
            parameter_of(c.get("code")) for c in obs.get("component") or []
        }
        for p in params:
            if p is None:
                continue
            r = observation_to_reading(obs, p)
            if r is not None:
                out.setdefault(p, []).append(r)
    return {p: sorted(out[p], key=lambda r: r.time_utc) for p in Parameter if p in out}


def _about(resource: Mapping[str, Any], subject: str) -> bool:
    return any(
        (resource.get(key) or {}).get("reference") == subject for key in ("subject", "patient")
    )


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _matches(patient: Mapping[str, Any], kind: IdentifierKind, value: str) -> bool:
    """Local (offline) search semantics: identifiers exact, name parts start-with, any case."""
    if kind is IdentifierKind.NAME:
        parts = [
            _fold(str(part))
            for n in patient.get("name") or []
            for part in [n.get("family") or "", *(n.get("given") or [])]
        ]
        return all(any(p.startswith(_fold(w)) for p in parts) for w in value.split())
    system = {
        IdentifierKind.CODICE_FISCALE: CF_SYSTEM,
        IdentifierKind.STP: STP_SYSTEM,
        IdentifierKind.ENI: ENI_SYSTEM,
    }.get(kind)
    return any(
        str(i.get("value") or "").upper() == value and (system is None or i.get("system") == system)
        for i in patient.get("identifier") or []
    )
