"""Deterministic demo data for ``--seed demo``.

Everything is synthetic: names are common Italian names, codici fiscali are
computed (valid check letter, consistent with sex, birth date and a real
Lombardy comune's Belfiore code). A fixed RNG seed makes the output a pure
function of ``today``; resources are generated once per database.

Contents (ids are stable):

- Practitioners: ``prac-mmg-bianchi`` (GP/MMG), ``prac-ifec-colombo`` (Casa di
  Comunità nurse), ``prac-farm-ferrari`` (pharmacist), ``prac-card-romano``
  (cardiologist).
- Patients ``pat-001`` ... ``pat-032`` with codice fiscale (``pat-032`` is an
  omocodia case of ``pat-031``), ``pat-stp-001`` (STP) and ``pat-eni-001`` (ENI).
- Four telemonitoring programmes (hypertension, heart failure, diabetes, COPD):
  ActivityDefinition ``ad-tm-<programme>`` -> ObservationDefinition
  ``od-<programme>-<parameter>`` with thresholds (see README), a CarePlan per
  enrolled patient, Devices and DeviceUseStatements, ~3 months of Observations.
- Today's Appointments (televisita for the GP, teleassistenza for the nurse),
  Consents, a teleconsult ServiceRequest + Task, Flags and a satisfaction
  Questionnaire.

Pure function; any thread.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass
from typing import Any

from app.domain.codice_fiscale import BirthSex, compute_codice_fiscale

__all__ = [
    "CANONICAL_BASE",
    "CF_SYSTEM",
    "PRACTITIONER_IDS",
    "SEVERITY_EXTENSION",
    "build_demo_seed",
    "build_todays_appointments",
    "italian_today",
]

Json = dict[str, Any]

CANONICAL_BASE = "https://fhir.regional-sim.example"
CF_SYSTEM = "http://hl7.it/sid/codiceFiscale"
SEVERITY_EXTENSION = f"{CANONICAL_BASE}/StructureDefinition/alarm-severity"
SERVICE_SYSTEM = f"{CANONICAL_BASE}/CodeSystem/telemedicine-service"
CONSENT_TYPE_SYSTEM = f"{CANONICAL_BASE}/CodeSystem/consent-type"
PROGRAMME_SYSTEM = f"{CANONICAL_BASE}/CodeSystem/telemonitoring-programme"
DEVICE_SERIAL_SYSTEM = f"{CANONICAL_BASE}/sid/device-serial"
OBS_ID_SYSTEM = "urn:ietf:rfc:3986"
STP_SYSTEM = "urn:oid:2.16.840.1.113883.2.9.2.30.4.1.1"  # codici STP - Lombardia
ENI_SYSTEM = "urn:oid:2.16.840.1.113883.2.9.4.3.18"  # Europei Non Iscritti al SSN
ID_TYPE_SYSTEM = "https://www.hl7.it/fhir/terminology/CodeSystem/it-identifier-type"
LOINC = "http://loinc.org"
MDC = "urn:iso:std:iso:11073:10101"
UCUM = "http://unitsofmeasure.org"
OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"

PRACTITIONER_IDS = {
    "gp": "prac-mmg-bianchi",
    "nurse": "prac-ifec-colombo",
    "pharmacist": "prac-farm-ferrari",
    "cardiologist": "prac-card-romano",
}

_RNG_SEED = 20231475  # DGR XII/1475: fixed so the demo is reproducible
_ROME_WINTER = dt.timezone(dt.timedelta(hours=1))
_ROME_SUMMER = dt.timezone(dt.timedelta(hours=2))

# Real Lombardy comuni (capoluoghi) and their Belfiore codes.
_COMUNI = [
    ("Milano", "F205", "MI"),
    ("Bergamo", "A794", "BG"),
    ("Brescia", "B157", "BS"),
    ("Como", "C933", "CO"),
    ("Cremona", "D150", "CR"),
    ("Lecco", "E507", "LC"),
    ("Lodi", "E648", "LO"),
    ("Mantova", "E897", "MN"),
    ("Monza", "F704", "MB"),
    ("Pavia", "G388", "PV"),
    ("Sondrio", "I829", "SO"),
    ("Varese", "L682", "VA"),
]
_FAMILY = [
    "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
    "Marino", "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa",
    "Giordano", "Rizzo", "Lombardi", "Moretti", "Barbieri", "Fontana", "Santoro", "Mariani",
    "Rinaldi", "Caruso", "Ferrara", "Galli", "Martini", "Leone",
]  # fmt: skip
_MALE = ["Giuseppe", "Giovanni", "Antonio", "Mario", "Luigi", "Francesco", "Angelo", "Vincenzo",
         "Pietro", "Salvatore", "Carlo", "Franco", "Domenico", "Bruno", "Paolo"]  # fmt: skip
_FEMALE = ["Maria", "Anna", "Giuseppina", "Rosa", "Angela", "Giovanna", "Teresa", "Lucia",
           "Carmela", "Caterina", "Francesca", "Antonietta", "Carla", "Elena", "Franca"]  # fmt: skip


@dataclass(frozen=True)
class _Param:
    """One monitored parameter of a programme and its thresholds."""

    key: str
    loinc: str
    loinc_display: str
    mdc: str
    mdc_display: str
    unit: str
    absolute: tuple[float, float]
    reference: tuple[float, float]
    warning_low: float | None
    warning_high: float | None
    critical_low: float | None
    critical_high: float | None


_SBP = ("8480-6", "Systolic blood pressure", "150021", "MDC_PRESS_BLD_NONINV_SYS", "mm[Hg]")
_DBP = ("8462-4", "Diastolic blood pressure", "150022", "MDC_PRESS_BLD_NONINV_DIA", "mm[Hg]")
_HR = ("8867-4", "Heart rate", "149546", "MDC_PULS_RATE_NON_INV", "/min")
_HR_OXIMETER = ("8867-4", "Heart rate", "149530", "MDC_PULS_OXIM_PULS_RATE", "/min")
_SPO2 = ("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry", "150456",
         "MDC_PULS_OXIM_SAT_O2", "%")  # fmt: skip
_WEIGHT = ("29463-7", "Body weight", "188736", "MDC_MASS_BODY_ACTUAL", "kg")
_TEMP = ("8310-5", "Body temperature", "150364", "MDC_TEMP_BODY", "Cel")
_GLU = ("2339-0", "Glucose [Mass/volume] in Blood", "160184",
        "MDC_CONC_GLU_CAPILLARY_WHOLEBLOOD", "mg/dL")  # fmt: skip


def _param(
    key: str,
    codes: tuple[str, str, str, str, str],
    absolute: tuple[float, float],
    reference: tuple[float, float],
    warning: tuple[float | None, float | None],
    critical: tuple[float | None, float | None],
) -> _Param:
    return _Param(key, *codes, absolute, reference, *warning, *critical)


_PROGRAMMES: dict[str, tuple[str, list[_Param]]] = {
    "hypertension": (
        "Telemonitoraggio ipertensione arteriosa",
        [
            _param("sbp", _SBP, (40, 300), (100, 140), (95, 160), (85, 180)),
            _param("dbp", _DBP, (20, 200), (60, 90), (55, 100), (50, 110)),
            _param("hr", _HR, (20, 250), (55, 95), (50, 110), (40, 130)),
        ],
    ),
    "heart-failure": (
        "Telemonitoraggio scompenso cardiaco",
        [
            _param("sbp", _SBP, (40, 300), (95, 135), (90, 150), (80, 170)),
            _param("dbp", _DBP, (20, 200), (55, 85), (50, 95), (45, 105)),
            _param("hr", _HR, (20, 250), (55, 90), (50, 105), (40, 120)),
            _param("weight", _WEIGHT, (20, 300), (40, 150), (None, None), (None, None)),
            _param("spo2", _SPO2, (50, 100), (94, 100), (92, None), (88, None)),
        ],
    ),
    "diabetes": (
        "Telemonitoraggio diabete mellito",
        [
            _param("glucose", _GLU, (10, 600), (70, 180), (70, 250), (54, 350)),
            _param("weight", _WEIGHT, (20, 300), (40, 150), (None, None), (None, None)),
        ],
    ),
    "copd": (
        "Telemonitoraggio BPCO",
        [
            _param("spo2", _SPO2, (50, 100), (92, 100), (90, None), (86, None)),
            _param("hr", _HR_OXIMETER, (20, 250), (55, 100), (50, 110), (40, 125)),
            _param("temperature", _TEMP, (30, 44), (35.8, 37.4), (35.5, 37.8), (35.0, 38.5)),
        ],
    ),
}

_DEVICE_KINDS = {
    "bpm": ("528391", "MDC_DEV_SPEC_PROFILE_BPM", "Sfigmomanometro", "Omron", "M7 Intelli IT"),
    "oximeter": ("528388", "MDC_DEV_SPEC_PROFILE_PULS_OXIM", "Pulsossimetro", "Nonin", "3230"),
    "scale": ("528399", "MDC_DEV_SPEC_PROFILE_SCALE", "Bilancia", "A&D", "UC-352BLE"),
    "glucometer": (
        "528401",
        "MDC_DEV_SPEC_PROFILE_GLUCOSE",
        "Glucometro",
        "Roche",
        "Accu-Chek Instant",
    ),  # fmt: skip
    "thermometer": ("528392", "MDC_DEV_SPEC_PROFILE_TEMP", "Termometro", "A&D", "UT-201BLE"),
}
_PROGRAMME_DEVICES = {
    "hypertension": ["bpm"],
    "heart-failure": ["bpm", "scale", "oximeter"],
    "diabetes": ["glucometer", "scale"],
    "copd": ["oximeter", "thermometer"],
}
_PARAM_DEVICE = {
    "sbp": "bpm",
    "dbp": "bpm",
    "hr": "bpm",
    "weight": "scale",
    "spo2": "oximeter",
    "glucose": "glucometer",
    "temperature": "thermometer",
}


def _rome_offset(day: dt.date) -> dt.timezone:
    # Central European (Summer) Time without a tz database: EU rule, last Sunday
    # of March to last Sunday of October (switch hour ignored for demo data).
    def last_sunday(month: int) -> dt.date:
        d = dt.date(day.year, month, 31)
        return d - dt.timedelta(days=(d.weekday() + 1) % 7)

    return _ROME_SUMMER if last_sunday(3) <= day < last_sunday(10) else _ROME_WINTER


def _local(day: dt.date, hour: int, minute: int) -> str:
    return dt.datetime(
        day.year, day.month, day.day, hour, minute, tzinfo=_rome_offset(day)
    ).isoformat()


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _codings(param: _Param) -> list[Json]:
    codings = [_code(LOINC, param.loinc, param.loinc_display)]
    if param.key == "spo2":
        # The FHIR vital-signs profile requires 2708-6 next to the pulse-oximetry code.
        codings.append(_code(LOINC, "2708-6", "Oxygen saturation in Arterial blood"))
    codings.append(_code(MDC, param.mdc, param.mdc_display))
    return codings


def _quantity(value: float, unit: str) -> Json:
    return {"value": value, "unit": unit, "system": UCUM, "code": unit}


def _code(system: str, code: str, display: str) -> Json:
    return {"system": system, "code": code, "display": display}


def _practitioners() -> list[Json]:
    people = [
        ("gp", "Bianchi", "Laura", BirthSex.FEMALE, dt.date(1972, 5, 14), "F205",
         "Medico di Medicina Generale (MMG)", "MMG"),
        ("nurse", "Colombo", "Marco", BirthSex.MALE, dt.date(1986, 9, 3), "A794",
         "Infermiere di Famiglia e Comunità - Casa di Comunità", "IFeC"),
        ("pharmacist", "Ferrari", "Giulia", BirthSex.FEMALE, dt.date(1990, 2, 21), "B157",
         "Farmacista", "FARM"),
        ("cardiologist", "Romano", "Alessandro", BirthSex.MALE, dt.date(1968, 11, 30), "G388",
         "Specialista in Cardiologia", "CARD"),
    ]  # fmt: skip
    out = []
    for role, family, given, sex, birth, belfiore, title, code in people:
        cf = compute_codice_fiscale(
            family_name=family, given_name=given, birth_date=birth, sex=sex, belfiore=belfiore
        )
        name: Json = {"use": "official", "family": family, "given": [given]}
        if role != "nurse":
            name["prefix"] = ["Dott.ssa" if sex is BirthSex.FEMALE else "Dott."]
        out.append(
            {
                "resourceType": "Practitioner",
                "id": PRACTITIONER_IDS[role],
                "identifier": [{"system": CF_SYSTEM, "value": cf}],
                "active": True,
                "name": [name],
                "gender": "female" if sex is BirthSex.FEMALE else "male",
                "birthDate": birth.isoformat(),
                "qualification": [
                    {
                        "code": {
                            "coding": [_code(f"{CANONICAL_BASE}/CodeSystem/role", code, title)],
                            "text": title,
                        }
                    }
                ],
            }
        )
    return out


@dataclass
class _PatientInfo:
    id: str
    programme: str | None
    stale: bool = False


def _patients(rng: random.Random, today: dt.date) -> tuple[list[Json], list[_PatientInfo]]:
    resources: list[Json] = []
    infos: list[_PatientInfo] = []
    programmes = (
        ["hypertension"] * 7 + ["heart-failure"] * 6 + ["diabetes"] * 6 + ["copd"] * 5 + [None] * 6
    )
    used: set[str] = set()
    for n in range(1, 31):
        sex = BirthSex.MALE if n % 2 else BirthSex.FEMALE
        family = _FAMILY[(n * 7) % len(_FAMILY)]
        given = rng.choice(_MALE if sex is BirthSex.MALE else _FEMALE)
        age = rng.randint(48, 91) if programmes[n - 1] else rng.randint(19, 80)
        birth = today.replace(year=today.year - age, day=1) - dt.timedelta(days=rng.randint(0, 360))
        city, belfiore, province = _COMUNI[rng.randrange(len(_COMUNI))]
        cf = compute_codice_fiscale(
            family_name=family, given_name=given, birth_date=birth, sex=sex, belfiore=belfiore
        )
        level = 0
        while cf in used:
            level += 1
            cf = compute_codice_fiscale(
                family_name=family,
                given_name=given,
                birth_date=birth,
                sex=sex,
                belfiore=belfiore,
                omocodia_level=level,
            )
        used.add(cf)
        pid = f"pat-{n:03d}"
        resources.append(_patient(pid, cf, family, given, sex, birth, city, province, rng))
        infos.append(_PatientInfo(pid, programmes[n - 1], stale=(n == 9)))
    # Two people with identical name, sex, birth date and comune: the second
    # receives an omocodia code (digits replaced by letters) from the Agenzia.
    twin_birth = dt.date(1958, 7, 12)
    for n, level in ((31, 0), (32, 1)):
        cf = compute_codice_fiscale(
            family_name="Brambilla",
            given_name="Ambrogio",
            birth_date=twin_birth,
            sex=BirthSex.MALE,
            belfiore="F205",
            omocodia_level=level,
        )
        pid = f"pat-{n:03d}"
        resources.append(
            _patient(
                pid, cf, "Brambilla", "Ambrogio", BirthSex.MALE, twin_birth, "Milano", "MI", rng
            )
        )
        infos.append(_PatientInfo(pid, programmes[n - 1] if n - 1 < len(programmes) else None))
    resources.append(
        _foreign_patient(
            "pat-stp-001",
            "STP",
            STP_SYSTEM,
            "STP0303080001234",
            "Okafor",
            "Chidi",
            "male",
            dt.date(1994, 3, 8),
        )  # fmt: skip
    )
    resources.append(
        _foreign_patient(
            "pat-eni-001",
            "ENI",
            ENI_SYSTEM,
            "ENI0303080000567",
            "Popescu",
            "Elena",
            "female",
            dt.date(1979, 10, 22),
        )  # fmt: skip
    )
    return resources, infos


def _patient(
    pid: str,
    cf: str,
    family: str,
    given: str,
    sex: BirthSex,
    birth: dt.date,
    city: str,
    province: str,
    rng: random.Random,
) -> Json:
    return {
        "resourceType": "Patient",
        "id": pid,
        "identifier": [
            {
                "type": {"coding": [_code(ID_TYPE_SYSTEM, "CF", "Codice Fiscale")]},
                "system": CF_SYSTEM,
                "value": cf,
            }
        ],
        "active": True,
        "name": [{"use": "official", "family": family, "given": [given]}],
        "telecom": [
            {
                "system": "phone",
                "value": f"+39 3{rng.randint(10, 99)} {rng.randint(1000000, 9999999)}",
                "use": "mobile",
            }
        ],
        "gender": "male" if sex is BirthSex.MALE else "female",
        "birthDate": birth.isoformat(),
        "address": [{"use": "home", "city": city, "district": province, "country": "IT"}],
        "generalPractitioner": [{"reference": f"Practitioner/{PRACTITIONER_IDS['gp']}"}],
    }


def _foreign_patient(
    pid: str,
    kind: str,
    system: str,
    value: str,
    family: str,
    given: str,
    gender: str,
    birth: dt.date,
) -> Json:
    display = "Straniero Temporaneamente Presente" if kind == "STP" else "Europeo Non Iscritto"
    return {
        "resourceType": "Patient",
        "id": pid,
        "identifier": [
            {
                "type": {"coding": [_code(ID_TYPE_SYSTEM, kind, display)]},
                "system": system,
                "value": value,
            }
        ],
        "active": True,
        "name": [{"use": "official", "family": family, "given": [given]}],
        "gender": gender,
        "birthDate": birth.isoformat(),
        "address": [{"use": "temp", "city": "Milano", "district": "MI", "country": "IT"}],
        "generalPractitioner": [{"reference": f"Practitioner/{PRACTITIONER_IDS['gp']}"}],
    }


def _interval(
    category: str, low: float | None, high: float | None, unit: str, severity: str | None
) -> Json:
    rng: Json = {}
    if low is not None:
        rng["low"] = _quantity(low, unit)
    if high is not None:
        rng["high"] = _quantity(high, unit)
    out: Json = {"category": category, "range": rng}
    if severity is not None:
        out["extension"] = [{"url": SEVERITY_EXTENSION, "valueCode": severity}]
    if category == "reference":
        out["context"] = {
            "coding": [
                _code(
                    "http://terminology.hl7.org/CodeSystem/referencerange-meaning",
                    "treatment",
                    "Treatment Range",
                )  # fmt: skip
            ]
        }
    return out


def _observation_definition(programme: str, param: _Param) -> Json:
    unit = param.unit
    intervals = [
        _interval("absolute", param.absolute[0], param.absolute[1], unit, None),
        _interval("reference", param.reference[0], param.reference[1], unit, None),
    ]
    # Alarm bands: values *inside* a critical-category range raise an alarm of the
    # extension's severity; the critical bands are tighter (further out).
    if param.warning_low is not None:
        intervals.append(_interval("critical", None, param.warning_low, unit, "warning"))
    if param.critical_low is not None:
        intervals.append(_interval("critical", None, param.critical_low, unit, "critical"))
    if param.warning_high is not None:
        intervals.append(_interval("critical", param.warning_high, None, unit, "warning"))
    if param.critical_high is not None:
        intervals.append(_interval("critical", param.critical_high, None, unit, "critical"))
    category = "laboratory" if param.key == "glucose" else "vital-signs"
    return {
        "resourceType": "ObservationDefinition",
        "id": f"od-{programme}-{param.key}",
        "identifier": [
            {
                "system": f"{CANONICAL_BASE}/sid/observation-definition",
                "value": f"{programme}-{param.key}",
            }
        ],
        "category": [{"coding": [_code(OBS_CATEGORY, category, category)]}],
        "code": {"coding": _codings(param)},
        "permittedDataType": ["Quantity"],
        "quantitativeDetails": {
            "unit": {"coding": [_code(UCUM, unit, unit)]},
            "decimalPrecision": 1 if unit in ("kg", "Cel") else 0,
        },
        "qualifiedInterval": intervals,
    }


def _activity_definition(programme: str, title: str, params: list[_Param]) -> Json:
    return {
        "resourceType": "ActivityDefinition",
        "id": f"ad-tm-{programme}",
        "url": f"{CANONICAL_BASE}/ActivityDefinition/tm-{programme}",
        "version": "1.0.0",
        "name": f"Telemonitoring{programme.title().replace('-', '')}",
        "title": title,
        "status": "active",
        "kind": "ServiceRequest",
        "code": {"coding": [_code(PROGRAMME_SYSTEM, programme, title)]},
        "timingTiming": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}},
        "observationResultRequirement": [
            {"reference": f"ObservationDefinition/od-{programme}-{p.key}"} for p in params
        ],
    }


def _devices_for(
    rng: random.Random, info: _PatientInfo, start: dt.date
) -> tuple[list[Json], dict[str, str]]:
    assert info.programme is not None
    resources: list[Json] = []
    ids: dict[str, str] = {}
    for kind in _PROGRAMME_DEVICES[info.programme]:
        code, mdc_name, label, maker, model = _DEVICE_KINDS[kind]
        serial = f"{kind[:3].upper()}{rng.randint(10_000_000, 99_999_999)}"
        gtin = f"0{rng.randint(10**12, 10**13 - 1)}"
        did = f"dev-{info.id}-{kind}"
        ids[kind] = did
        resources.append(
            {
                "resourceType": "Device",
                "id": did,
                "identifier": [{"system": DEVICE_SERIAL_SYSTEM, "value": serial}],
                "udiCarrier": [
                    {
                        "deviceIdentifier": gtin,
                        "issuer": "http://hl7.org/fhir/NamingSystem/gs1-di",
                        "carrierHRF": f"(01){gtin}(21){serial}",
                    }
                ],
                "status": "active",
                "manufacturer": maker,
                "modelNumber": model,
                "serialNumber": serial,
                "deviceName": [{"name": f"{label} {maker} {model}", "type": "user-friendly-name"}],
                "type": {"coding": [_code(MDC, code, mdc_name)], "text": label},
                "patient": {"reference": f"Patient/{info.id}"},
            }
        )
        resources.append(
            {
                "resourceType": "DeviceUseStatement",
                "id": f"dus-{info.id}-{kind}",
                "status": "active",
                "subject": {"reference": f"Patient/{info.id}"},
                "device": {"reference": f"Device/{did}"},
                "timingPeriod": {"start": start.isoformat()},
                "recordedOn": _local(start, 10, 0),
                "source": {"reference": f"Practitioner/{PRACTITIONER_IDS['nurse']}"},
            }
        )
    return resources, ids


def _observation(
    rng: random.Random,
    *,
    patient: str,
    device: str,
    when: str,
    param: _Param,
    value: float,
) -> Json:
    category = "laboratory" if param.key == "glucose" else "vital-signs"
    return {
        "resourceType": "Observation",
        "id": f"obs-{_uuid(rng)}",
        "identifier": [{"system": OBS_ID_SYSTEM, "value": f"urn:uuid:{_uuid(rng)}"}],
        "status": "final",
        "category": [{"coding": [_code(OBS_CATEGORY, category, category)]}],
        "code": {"coding": _codings(param)},
        "subject": {"reference": f"Patient/{patient}"},
        "effectiveDateTime": when,
        "performer": [{"reference": f"Patient/{patient}"}],
        "device": {"reference": f"Device/{device}"},
        "valueQuantity": _quantity(value, param.unit),
    }


def _bp_panel(
    rng: random.Random, *, patient: str, device: str, when: str, sbp: float, dbp: float
) -> Json:
    sys_p, dia_p = (
        _param("sbp", _SBP, (0, 0), (0, 0), (None, None), (None, None)),
        _param("dbp", _DBP, (0, 0), (0, 0), (None, None), (None, None)),
    )
    return {
        "resourceType": "Observation",
        "id": f"obs-{_uuid(rng)}",
        "identifier": [{"system": OBS_ID_SYSTEM, "value": f"urn:uuid:{_uuid(rng)}"}],
        "status": "final",
        "category": [{"coding": [_code(OBS_CATEGORY, "vital-signs", "Vital Signs")]}],
        "code": {
            "coding": [
                _code(LOINC, "85354-9", "Blood pressure panel with all children optional"),
                _code(MDC, "150020", "MDC_PRESS_BLD_NONINV"),
            ]
        },
        "subject": {"reference": f"Patient/{patient}"},
        "effectiveDateTime": when,
        "performer": [{"reference": f"Patient/{patient}"}],
        "device": {"reference": f"Device/{device}"},
        "component": [
            {
                "code": {
                    "coding": [
                        _code(LOINC, p.loinc, p.loinc_display),
                        _code(MDC, p.mdc, p.mdc_display),
                    ]
                },
                "valueQuantity": _quantity(v, "mm[Hg]"),
            }
            for p, v in ((sys_p, sbp), (dia_p, dbp))
        ],
    }


def _series(
    rng: random.Random, info: _PatientInfo, devices: dict[str, str], today: dt.date, days: int
) -> list[Json]:
    assert info.programme is not None
    params = {p.key: p for p in _PROGRAMMES[info.programme][1]}
    out: list[Json] = []
    base_sbp = rng.uniform(122, 148)
    base_dbp = rng.uniform(72, 88)
    base_hr = rng.uniform(62, 82)
    base_weight = rng.uniform(58, 96)
    base_spo2 = rng.uniform(93.5, 97.5) if info.programme != "copd" else rng.uniform(91.5, 95)
    base_glu = rng.uniform(105, 165)
    base_temp = rng.uniform(36.2, 36.8)
    last_day = today - dt.timedelta(days=11 if info.stale else 0)
    for back in range(days, -1, -1):
        day = today - dt.timedelta(days=back)
        if day > last_day or rng.random() < 0.08:  # stale patient / missed days
            continue
        spike = rng.random() < 0.04 or (back == 1 and info.id in ("pat-001", "pat-008", "pat-020"))
        when = _local(day, 7 + rng.randint(0, 1), rng.randint(0, 59))
        drift = (days - back) / days
        for key in params:
            device = devices.get(_PARAM_DEVICE[key]) or devices["oximeter"]
            if key == "sbp":
                sbp = round(base_sbp + rng.gauss(0, 7) + (rng.uniform(35, 50) if spike else 0))
                dbp = round(base_dbp + rng.gauss(0, 5) + (rng.uniform(12, 20) if spike else 0))
                out.append(
                    _bp_panel(rng, patient=info.id, device=device, when=when, sbp=sbp, dbp=dbp)
                )
            elif key == "dbp":
                continue  # part of the BP panel
            elif key == "hr":
                hr = round(base_hr + rng.gauss(0, 5) + (rng.uniform(30, 45) if spike else 0))
                out.append(
                    _observation(
                        rng, patient=info.id, device=device, when=when, param=params[key], value=hr
                    )
                )
            elif key == "weight":
                if info.programme == "diabetes" and day.weekday() != 0:
                    continue
                gain = 2.6 * drift if info.programme == "heart-failure" and spike else 0.0
                weight = round(base_weight + rng.gauss(0, 0.3) + gain, 1)
                out.append(
                    _observation(
                        rng,
                        patient=info.id,
                        device=device,
                        when=when,
                        param=params[key],
                        value=weight,
                    )
                )
            elif key == "spo2":
                spo2 = min(
                    100, round(base_spo2 + rng.gauss(0, 1.0) - (rng.uniform(6, 9) if spike else 0))
                )
                out.append(
                    _observation(
                        rng,
                        patient=info.id,
                        device=device,
                        when=when,
                        param=params[key],
                        value=spo2,
                    )
                )
            elif key == "temperature":
                temp = round(
                    base_temp + rng.gauss(0, 0.2) + (rng.uniform(1.6, 2.3) if spike else 0), 1
                )
                out.append(
                    _observation(
                        rng,
                        patient=info.id,
                        device=device,
                        when=when,
                        param=params[key],
                        value=temp,
                    )
                )
            elif key == "glucose":
                fasting = round(
                    base_glu + rng.gauss(0, 15) + (rng.uniform(150, 220) if spike else 0)
                )
                out.append(
                    _observation(
                        rng,
                        patient=info.id,
                        device=device,
                        when=when,
                        param=params[key],
                        value=fasting,
                    )
                )
                post = round(base_glu + 45 + rng.gauss(0, 25))
                when_pm = _local(day, 14, rng.randint(0, 59))
                out.append(
                    _observation(
                        rng,
                        patient=info.id,
                        device=device,
                        when=when_pm,
                        param=params[key],
                        value=post,
                    )
                )
    return out


def _care_plan(info: _PatientInfo, start: dt.date) -> Json:
    assert info.programme is not None
    title = _PROGRAMMES[info.programme][0]
    plan: Json = {
        "resourceType": "CarePlan",
        "id": f"cp-{info.id}-{info.programme}",
        "identifier": [
            {"system": f"{CANONICAL_BASE}/sid/care-plan", "value": f"{info.id}-{info.programme}"}
        ],
        "instantiatesCanonical": [f"{CANONICAL_BASE}/ActivityDefinition/tm-{info.programme}"],
        "status": "active",
        "intent": "plan",
        "category": [{"coding": [_code(PROGRAMME_SYSTEM, info.programme, title)]}],
        "title": title,
        "subject": {"reference": f"Patient/{info.id}"},
        "period": {"start": start.isoformat()},
        "created": _local(start, 9, 30),
        "author": {"reference": f"Practitioner/{PRACTITIONER_IDS['gp']}"},
        "contributor": [{"reference": f"Practitioner/{PRACTITIONER_IDS['nurse']}"}],
    }
    if info.programme == "heart-failure":
        plan["contributor"].append(
            {"reference": f"Practitioner/{PRACTITIONER_IDS['cardiologist']}"}
        )
    return plan


def _consents(pid: str, day: dt.date, *, telemedicine: bool) -> list[Json]:
    kinds = [("consenso-informato", "Consenso informato all'atto sanitario")]
    if telemedicine:
        kinds.append(("consenso-telemedicina", "Consenso all'erogazione in telemedicina"))
    return [
        {
            "resourceType": "Consent",
            "id": f"consent-{pid}-{code}",
            "status": "active",
            "scope": {
                "coding": [
                    _code(
                        "http://terminology.hl7.org/CodeSystem/consentscope",
                        "treatment",
                        "Treatment",
                    )
                ]
            },
            "category": [
                {
                    "coding": [
                        _code(CONSENT_TYPE_SYSTEM, code, display),
                        _code(LOINC, "59284-0", "Patient Consent"),
                    ]
                }
            ],
            "patient": {"reference": f"Patient/{pid}"},
            "dateTime": _local(day, 10, 15),
            "performer": [{"reference": f"Patient/{pid}"}],
            "policyRule": {
                "coding": [
                    _code("http://terminology.hl7.org/CodeSystem/v3-ActCode", "OPTIN", "opt-in")
                ]
            },
            "provision": {"type": "permit", "period": {"start": day.isoformat()}},
        }
        for code, display in kinds
    ]


def _appointments(today: dt.date, patients: list[str]) -> list[Json]:
    slots = [
        ("gp", "televisita", "Televisita", 9, 0),
        ("gp", "televisita", "Televisita", 9, 30),
        ("gp", "televisita", "Televisita", 10, 15),
        ("gp", "televisita", "Televisita", 11, 30),
        ("gp", "televisita", "Televisita", 15, 0),
        ("nurse", "teleassistenza", "Teleassistenza", 8, 30),
        ("nurse", "teleassistenza", "Teleassistenza", 10, 0),
        ("nurse", "teleassistenza", "Teleassistenza", 12, 0),
        ("nurse", "teleassistenza", "Teleassistenza", 16, 30),
    ]
    out = []
    for n, ((role, code, display, hour, minute), pid) in enumerate(
        zip(slots, patients, strict=False), 1
    ):
        start = dt.datetime(
            today.year, today.month, today.day, hour, minute, tzinfo=_rome_offset(today)
        )
        out.append(
            {
                "resourceType": "Appointment",
                "id": f"appt-{today.isoformat()}-{n:02d}",
                "identifier": [
                    {
                        "system": f"{CANONICAL_BASE}/sid/appointment",
                        "value": f"{today.isoformat()}-{n:02d}",
                    }
                ],
                "status": "booked",
                "serviceType": [{"coding": [_code(SERVICE_SYSTEM, code, display)]}],
                "appointmentType": {
                    "coding": [
                        _code(
                            "http://terminology.hl7.org/CodeSystem/v2-0276",
                            "FOLLOWUP",
                            "A follow up visit",
                        )
                    ]
                },
                "description": f"{display} di controllo",
                "start": start.isoformat(),
                "end": (start + dt.timedelta(minutes=20)).isoformat(),
                "minutesDuration": 20,
                "participant": [
                    {
                        "actor": {"reference": f"Patient/{pid}"},
                        "required": "required",
                        "status": "accepted",
                    },
                    {
                        "actor": {"reference": f"Practitioner/{PRACTITIONER_IDS[role]}"},
                        "required": "required",
                        "status": "accepted",
                    },
                ],
            }
        )
    return out


def _questionnaire() -> Json:
    scale = [{"valueCoding": _code(f"{CANONICAL_BASE}/CodeSystem/likert-5", str(i), label)}
             for i, label in enumerate(["Per niente", "Poco", "Abbastanza", "Molto", "Moltissimo"], 1)]  # fmt: skip
    return {
        "resourceType": "Questionnaire",
        "id": "q-soddisfazione-televisita",
        "url": f"{CANONICAL_BASE}/Questionnaire/soddisfazione-televisita",
        "version": "1.0.0",
        "name": "SoddisfazioneTelevisita",
        "title": "Questionario di soddisfazione - prestazione in telemedicina",
        "status": "active",
        "subjectType": ["Patient"],
        "item": [
            {"linkId": "1", "text": "Quanto è soddisfatto della prestazione ricevuta?", "type": "choice",
             "required": True, "answerOption": scale},
            {"linkId": "2", "text": "Com'era la qualità di audio e video?", "type": "choice",
             "required": True, "answerOption": scale},
            {"linkId": "3", "text": "È riuscito a collegarsi senza difficoltà?", "type": "boolean"},
            {"linkId": "4", "text": "Sceglierebbe ancora la telemedicina per i controlli?", "type": "boolean"},
            {"linkId": "5", "text": "Commenti e suggerimenti", "type": "text"},
        ],
    }  # fmt: skip


def _teleconsult(today: dt.date, pid: str) -> list[Json]:
    return [
        {
            "resourceType": "ServiceRequest",
            "id": "sr-teleconsulto-001",
            "identifier": [{"system": f"{CANONICAL_BASE}/sid/service-request", "value": "TC-0001"}],
            "status": "active",
            "intent": "order",
            "category": [{"coding": [_code(SERVICE_SYSTEM, "teleconsulto", "Teleconsulto")]}],
            "code": {"coding": [_code(SERVICE_SYSTEM, "teleconsulto", "Teleconsulto")], "text": "Teleconsulto cardiologico"},
            "subject": {"reference": f"Patient/{pid}"},
            "authoredOn": _local(today - dt.timedelta(days=1), 17, 10),
            "requester": {"reference": f"Practitioner/{PRACTITIONER_IDS['gp']}"},
            "performer": [{"reference": f"Practitioner/{PRACTITIONER_IDS['cardiologist']}"}],
            "reasonCode": [{"text": "Incremento ponderale e dispnea da sforzo in scompenso cardiaco"}],
        },
        {
            "resourceType": "Task",
            "id": "task-teleconsulto-001",
            "identifier": [{"system": f"{CANONICAL_BASE}/sid/task", "value": "TC-0001"}],
            "basedOn": [{"reference": "ServiceRequest/sr-teleconsulto-001"}],
            "status": "requested",
            "intent": "order",
            "priority": "urgent",
            "code": {"coding": [_code(SERVICE_SYSTEM, "teleconsulto", "Teleconsulto")]},
            "focus": {"reference": "ServiceRequest/sr-teleconsulto-001"},
            "for": {"reference": f"Patient/{pid}"},
            "authoredOn": _local(today - dt.timedelta(days=1), 17, 10),
            "requester": {"reference": f"Practitioner/{PRACTITIONER_IDS['gp']}"},
            "owner": {"reference": f"Practitioner/{PRACTITIONER_IDS['cardiologist']}"},
        },
    ]  # fmt: skip


def _flags(today: dt.date, pids: list[str]) -> list[Json]:
    return [
        {
            "resourceType": "Flag",
            "id": f"flag-{pid}-soglia",
            "status": "active",
            "category": [{"coding": [_code("http://terminology.hl7.org/CodeSystem/flag-category", "clinical", "Clinical")]}],
            "code": {"text": "Parametro oltre soglia di allarme in telemonitoraggio"},
            "subject": {"reference": f"Patient/{pid}"},
            "period": {"start": _local(today - dt.timedelta(days=1), 8, 45)},
            "author": {"reference": f"Practitioner/{PRACTITIONER_IDS['nurse']}"},
        }
        for pid in pids
    ]  # fmt: skip


def italian_today() -> dt.date:
    """Return the current date in Italy (CET/CEST)."""
    now = dt.datetime.now(dt.UTC)
    return now.astimezone(_rome_offset(now.date())).date()


_APPOINTMENT_PATIENTS = [f"pat-{n:03d}" for n in (1, 2, 3, 4, 5, 7, 8, 9, 10)]


def build_todays_appointments(today: dt.date) -> list[Json]:
    """Return the demo worklist (GP televisite, nurse teleassistenze) for ``today``.

    Ids embed the date (``appt-YYYY-MM-DD-NN``), so a demo database kept for
    several days can receive each day's worklist without clashes.
    """
    return _appointments(today, _APPOINTMENT_PATIENTS)


def build_demo_seed(today: dt.date | None = None, *, history_days: int = 92) -> list[Json]:
    """Return the demo resources (with ids) for a database created on ``today``.

    ``today`` defaults to the current date in Italy. The output is a pure
    function of ``today`` and ``history_days`` (fixed RNG seed).
    """
    if today is None:
        today = italian_today()
    rng = random.Random(_RNG_SEED)
    resources: list[Json] = _practitioners()
    patients, infos = _patients(rng, today)
    resources += patients
    for programme, (title, params) in _PROGRAMMES.items():
        resources += [_observation_definition(programme, p) for p in params]
        resources.append(_activity_definition(programme, title, params))
    resources.append(_questionnaire())
    start = today - dt.timedelta(days=history_days + 3)
    for info in infos:
        if info.programme is None:
            continue
        resources.append(_care_plan(info, start))
        devices, device_ids = _devices_for(rng, info, start)
        resources += devices
        resources += _series(rng, info, device_ids, today, history_days)
    for n, info in enumerate(infos):
        if n % 3 == 2:
            continue  # no consents yet: the workstation must collect them
        resources += _consents(info.id, start, telemedicine=(n % 3 == 0 or n == 1))
    resources += build_todays_appointments(today)
    heart_failure = next(i.id for i in infos if i.programme == "heart-failure")
    resources += _teleconsult(today, heart_failure)
    resources += _flags(today, ["pat-001", "pat-008"])
    return resources
