"""The real regional_sim process in demo mode: the workstation's everyday queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from regional_sim.seed import italian_today
from tests.integration.regional_sim_process import RunningSim, regional_sim

pytestmark = pytest.mark.integration

GP = "prac-mmg-bianchi"
NURSE = "prac-ifec-colombo"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("regional-sim-demo") / "demo.db"


@pytest.fixture(scope="module")
def sim(demo_db: Path) -> Iterator[RunningSim]:
    with regional_sim(demo_db, extra_args=["--seed", "demo"]) as running:
        print(f"regional_sim first start with demo seeding: {running.startup_s:.3f} s")
        assert running.startup_s < 10.0
        yield running


@pytest.fixture
def client(sim: RunningSim) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=sim.fhir, headers={"Accept": "application/fhir+json"}, timeout=30
    ) as c:
        yield c


def _entries(bundle: dict[str, Any], mode: str = "match") -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle.get("entry", []) if e["search"]["mode"] == mode]


def _rome_today() -> str:
    # Appointments are seeded for "today" in Italy, between 08:30 and 16:50 local
    # time, so the UTC day of that date contains them all.
    return italian_today().isoformat()


def test_gp_worklist_with_patients(client: httpx.Client) -> None:
    r = client.get(
        "/Appointment",
        params={
            "practitioner": f"Practitioner/{GP}",
            "date": _rome_today(),
            "status": "booked",
            "_include": "Appointment:patient",
            "_sort": "date",
        },
    )
    assert r.status_code == 200, r.text
    bundle = r.json()
    appointments = _entries(bundle)
    patients = _entries(bundle, "include")
    assert len(appointments) == 5
    starts = [a["start"] for a in appointments]
    assert starts == sorted(starts)
    assert {p["resourceType"] for p in patients} == {"Patient"}
    assert len(patients) == 5
    nurse = client.get(
        "/Appointment", params={"actor": f"Practitioner/{NURSE}", "date": _rome_today()}
    )
    assert nurse.json()["total"] == 4


def test_care_plan_to_thresholds(client: httpx.Client) -> None:
    plans = client.get(
        "/CarePlan",
        params={
            "patient": "Patient/pat-001",
            "status": "active",
            "_include": "CarePlan:instantiates-canonical",
        },
    ).json()
    (plan,) = _entries(plans)
    (activity,) = _entries(plans, "include")
    assert activity["resourceType"] == "ActivityDefinition"
    assert plan["instantiatesCanonical"] == [activity["url"]]
    ids = ",".join(
        ref["reference"].split("/")[1] for ref in activity["observationResultRequirement"]
    )
    defs = client.get("/ObservationDefinition", params={"_id": ids}).json()
    assert defs["total"] == len(activity["observationResultRequirement"])
    for od in _entries(defs):
        assert any(q["category"] == "critical" for q in od["qualifiedInterval"])


def test_observation_queries(client: httpx.Client) -> None:
    since = (dt.date.today() - dt.timedelta(days=14)).isoformat()
    r = client.get(
        "/Observation",
        params={
            "patient": "pat-001",
            "code": "http://loinc.org|85354-9",
            "date": f"ge{since}",
            "_sort": "-date",
            "_count": "5",
        },
    ).json()
    assert 8 <= r["total"] <= 15
    dates = [o["effectiveDateTime"] for o in _entries(r)]
    assert dates == sorted(dates, reverse=True)
    by_mdc = client.get(
        "/Observation",
        params={
            "subject": "Patient/pat-001",
            "code": "urn:iso:std:iso:11073:10101|150020",
            "_summary": "count",
        },
    ).json()
    by_loinc = client.get(
        "/Observation",
        params={"subject": "Patient/pat-001", "code": "85354-9", "_summary": "count"},
    ).json()
    assert by_mdc["total"] == by_loinc["total"] > 60
    component = client.get(
        "/Observation",
        params={
            "patient": "pat-001",
            "component-code": "http://loinc.org|8480-6",
            "_summary": "count",
        },
    ).json()
    assert component["total"] == by_loinc["total"]


def test_patients_devices_consents_flags_tasks(client: httpx.Client) -> None:
    patients = client.get("/Patient", params={"_count": "100"}).json()
    assert patients["total"] >= 32
    some = _entries(patients)[0]
    cf = some["identifier"][0]
    found = client.get("/Patient", params={"identifier": f"{cf['system']}|{cf['value']}"}).json()
    assert [p["id"] for p in _entries(found)] == [some["id"]]
    assert (
        client.get("/Patient", params={"family": some["name"][0]["family"][:3].lower()}).json()[
            "total"
        ]
        >= 1
    )
    assert client.get("/Patient", params={"birthdate": some["birthDate"]}).json()["total"] >= 1

    devices = client.get(
        "/DeviceUseStatement",
        params={"subject": "Patient/pat-008", "_include": "DeviceUseStatement:device"},
    ).json()
    assert len(_entries(devices)) == 3
    device = _entries(devices, "include")[0]
    serial = device["identifier"][0]
    by_serial = client.get(
        "/Device", params={"identifier": f"{serial['system']}|{serial['value']}"}
    ).json()
    assert by_serial["total"] == 1
    udi = client.get(
        "/Device", params={"identifier": device["udiCarrier"][0]["deviceIdentifier"]}
    ).json()
    assert udi["total"] == 1
    assert (
        client.get("/DeviceUseStatement", params={"device": f"Device/{device['id']}"}).json()[
            "total"
        ]
        == 1
    )

    assert client.get("/Consent", params={"patient": "Patient/pat-001"}).json()["total"] == 2
    assert (
        client.get("/Flag", params={"patient": "Patient/pat-001", "status": "active"}).json()[
            "total"
        ]
        == 1
    )
    tasks = client.get(
        "/Task", params={"owner": "Practitioner/prac-card-romano", "status": "requested"}
    ).json()
    assert tasks["total"] == 1


def _counts(fhir: str) -> tuple[int, int]:
    def total(rtype: str) -> int:
        r = httpx.get(f"{fhir}/{rtype}", params={"_summary": "count"}, timeout=10)
        return int(r.json()["total"])

    return total("Patient"), total("Observation")


def test_restart_does_not_reseed(sim: RunningSim, demo_db: Path) -> None:
    before = _counts(sim.fhir)
    with regional_sim(demo_db.parent / "other.db", extra_args=["--seed", "demo"]) as other:
        assert _counts(other.fhir) == before
    # The module's database is re-opened by a second process: no duplicates.
    sim.process.terminate()
    sim.process.wait(timeout=10)
    with regional_sim(demo_db, extra_args=["--seed", "demo"]) as again:
        print(f"regional_sim warm start (existing database): {again.startup_s:.3f} s")
        assert _counts(again.fhir) == before
        today = httpx.get(
            f"{again.fhir}/Appointment",
            params={"date": _rome_today(), "_summary": "count"},
            timeout=10,
        )
        assert today.json()["total"] == 9
