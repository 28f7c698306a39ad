"""The demo seed: valid R4 resources, valid codici fiscali, thresholds, plausible series."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from app.domain.codice_fiscale import BirthSex, verify_demographics
from regional_sim.fhirdates import parse_range
from regional_sim.search_params import RESOURCE_TYPES
from regional_sim.seed import (
    CF_SYSTEM,
    PRACTITIONER_IDS,
    SEVERITY_EXTENSION,
    build_demo_seed,
    build_todays_appointments,
)

TODAY = dt.date(2026, 11, 24)


@pytest.fixture(scope="module")
def seed() -> list[dict[str, Any]]:
    return build_demo_seed(TODAY)


def _by_type(seed: list[dict[str, Any]], rtype: str) -> list[dict[str, Any]]:
    return [r for r in seed if r["resourceType"] == rtype]


def test_every_resource_is_valid_r4_with_unique_id(seed: list[dict[str, Any]]) -> None:
    for resource in seed:
        assert resource["resourceType"] in RESOURCE_TYPES
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    keys = [(r["resourceType"], r["id"]) for r in seed]
    assert len(keys) == len(set(keys))


def test_seed_is_deterministic() -> None:
    assert build_demo_seed(TODAY) == build_demo_seed(TODAY)


def test_practitioners(seed: list[dict[str, Any]]) -> None:
    ids = {p["id"] for p in _by_type(seed, "Practitioner")}
    assert ids == set(PRACTITIONER_IDS.values())


def test_patients_have_valid_consistent_codici_fiscali(seed: list[dict[str, Any]]) -> None:
    patients = _by_type(seed, "Patient")
    with_cf = 0
    omocodia = 0
    for patient in patients:
        for ident in patient["identifier"]:
            if ident["system"] != CF_SYSTEM:
                continue
            with_cf += 1
            sex = BirthSex.MALE if patient["gender"] == "male" else BirthSex.FEMALE
            parsed = verify_demographics(
                ident["value"], sex=sex, birth_date=dt.date.fromisoformat(patient["birthDate"])
            )
            omocodia += parsed.omocodia_level > 0
    assert with_cf >= 30
    assert omocodia >= 1
    systems = {i["type"]["coding"][0]["code"] for p in patients for i in p["identifier"]}
    assert {"CF", "STP", "ENI"} <= systems


def test_programmes_resolve_to_thresholds(seed: list[dict[str, Any]]) -> None:
    ads = {a["url"]: a for a in _by_type(seed, "ActivityDefinition")}
    ods = {o["id"]: o for o in _by_type(seed, "ObservationDefinition")}
    programmes = {cp["category"][0]["coding"][0]["code"] for cp in _by_type(seed, "CarePlan")}
    assert programmes == {"hypertension", "heart-failure", "diabetes", "copd"}
    for plan in _by_type(seed, "CarePlan"):
        (canonical,) = plan["instantiatesCanonical"]
        ad = ads[canonical]
        for ref in ad["observationResultRequirement"]:
            od = ods[ref["reference"].split("/")[1]]
            categories = Counter(q["category"] for q in od["qualifiedInterval"])
            assert categories["absolute"] == 1
            assert categories["reference"] == 1
            for interval in od["qualifiedInterval"]:
                if interval["category"] == "critical":
                    (ext,) = interval["extension"]
                    assert ext["url"] == SEVERITY_EXTENSION
                    assert ext["valueCode"] in ("warning", "critical")
                    # alarm bands are open-ended on one side
                    assert len(interval["range"]) == 1


def _thresholds(seed: list[dict[str, Any]]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for od in _by_type(seed, "ObservationDefinition"):
        programme = od["id"].split("-", 1)[1].rsplit("-", 1)[0]
        loinc = od["code"]["coding"][0]["code"]
        out[(programme, loinc)] = od["qualifiedInterval"]
    return out


def _values(obs: dict[str, Any]) -> list[tuple[str, float]]:
    if "component" in obs:
        return [
            (c["code"]["coding"][0]["code"], c["valueQuantity"]["value"]) for c in obs["component"]
        ]
    return [(obs["code"]["coding"][0]["code"], obs["valueQuantity"]["value"])]


def test_observations_are_plausible_with_some_alarms(seed: list[dict[str, Any]]) -> None:
    observations = _by_type(seed, "Observation")
    assert len(observations) > 3000
    plans = {
        p["subject"]["reference"]: p["category"][0]["coding"][0]["code"]
        for p in _by_type(seed, "CarePlan")
    }
    thresholds = _thresholds(seed)
    loincs = set()
    alarms = 0
    for obs in observations:
        codings = obs["code"]["coding"]
        assert codings[0]["system"] == "http://loinc.org"
        assert codings[-1]["system"] == "urn:iso:std:iso:11073:10101"
        loincs.update(c["code"] for c in codings if c["system"] == "http://loinc.org")
        programme = plans[obs["subject"]["reference"]]
        for loinc, value in _values(obs):
            loincs.add(loinc)
            intervals = thresholds[(programme, loinc)]
            absolute = next(q for q in intervals if q["category"] == "absolute")["range"]
            assert absolute["low"]["value"] <= value <= absolute["high"]["value"]
            for q in intervals:
                if q["category"] != "critical":
                    continue
                low, high = q["range"].get("low"), q["range"].get("high")
                if (low and value >= low["value"]) or (high and value <= high["value"]):
                    alarms += 1
    assert {
        "85354-9",
        "8480-6",
        "8462-4",
        "8867-4",
        "59408-5",
        "29463-7",
        "8310-5",
        "2339-0",
    } <= loincs
    assert alarms > 20


def test_one_patient_has_stale_data(seed: list[dict[str, Any]]) -> None:
    latest: dict[str, int] = {}
    for obs in _by_type(seed, "Observation"):
        subject = obs["subject"]["reference"]
        latest[subject] = max(latest.get(subject, 0), parse_range(obs["effectiveDateTime"])[0])
    cutoff = parse_range((TODAY - dt.timedelta(days=7)).isoformat())[0]
    stale = [s for s, t in latest.items() if t < cutoff]
    assert stale == ["Patient/pat-009"]


def test_todays_appointments_for_gp_and_nurse(seed: list[dict[str, Any]]) -> None:
    actors: Counter[str] = Counter()
    for appt in _by_type(seed, "Appointment"):
        assert appt["start"].startswith(TODAY.isoformat())
        for participant in appt["participant"]:
            actors[participant["actor"]["reference"]] += 1
    assert actors[f"Practitioner/{PRACTITIONER_IDS['gp']}"] >= 3
    assert actors[f"Practitioner/{PRACTITIONER_IDS['nurse']}"] >= 3


def test_devices_and_consents(seed: list[dict[str, Any]]) -> None:
    devices = {d["id"] for d in _by_type(seed, "Device")}
    for dus in _by_type(seed, "DeviceUseStatement"):
        assert dus["device"]["reference"].split("/")[1] in devices
    for device in _by_type(seed, "Device"):
        assert device["identifier"] and device["udiCarrier"][0]["deviceIdentifier"]
    kinds = Counter(c["category"][0]["coding"][0]["code"] for c in _by_type(seed, "Consent"))
    assert kinds["consenso-informato"] > kinds["consenso-telemedicina"] > 0
    assert len(_by_type(seed, "Questionnaire")) == 1


def test_worklist_for_a_later_day_has_distinct_ids(seed: list[dict[str, Any]]) -> None:
    seeded = {a["id"] for a in _by_type(seed, "Appointment")}
    later = build_todays_appointments(TODAY + dt.timedelta(days=1))
    assert len(later) == 9
    assert not seeded & {a["id"] for a in later}
    assert all(a["start"].startswith("2026-11-25") for a in later)
