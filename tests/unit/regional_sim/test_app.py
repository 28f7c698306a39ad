"""regional_sim in-process (create_app): validation rules, search semantics, helpers."""

from __future__ import annotations

import base64
import hashlib
import hmac
import sys
import types
from collections.abc import AsyncIterator
from importlib.machinery import ModuleSpec
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from regional_sim.app import create_app
from regional_sim.config import SimConfig
from regional_sim.errors import FhirError
from regional_sim.fhirdates import format_instant, parse_range
from regional_sim.ice import ice_servers, turn_credential
from regional_sim.search_params import extract_index, parse_reference

FHIR = {"Content-Type": "application/fhir+json"}
CF = "http://hl7.it/sid/codiceFiscale"


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[TestClient[Any, Any]]:
    config = SimConfig(db_path=tmp_path / "sim.db", strict_codice_fiscale=True)
    async with TestClient(TestServer(create_app(config))) as c:
        yield c


def _patient(cf: str, gender: str = "male", birth: str = "1980-01-01") -> dict[str, Any]:
    return {
        "resourceType": "Patient",
        "identifier": [{"system": CF, "value": cf}],
        "gender": gender,
        "birthDate": birth,
        "name": [{"family": "Rossi", "given": ["Mario"]}],
    }


async def test_strict_codice_fiscale_is_422(client: TestClient[Any, Any]) -> None:
    ok = await client.post("/fhir/Patient", json=_patient("RSSMRA80A01H501U"), headers=FHIR)
    assert ok.status == 201
    for bad in (
        _patient("RSSMRA80A01H501A"),  # wrong check letter
        _patient("RSSMRA80A01H501U", gender="female"),  # sex disagrees
        _patient("RSSMRA80A01H501U", birth="1980-01-02"),  # birth date disagrees
    ):
        r = await client.post("/fhir/Patient", json=bad, headers=FHIR)
        assert r.status == 422
        body = await r.json()
        assert body["issue"][0]["code"] == "business-rule"
        assert body["issue"][0]["expression"] == ["Patient.identifier[0].value"]
    total = await (await client.get("/fhir/Patient?_summary=count")).json()
    assert total["total"] == 1


async def test_unresolved_urn_reference_is_rejected(client: TestClient[Any, Any]) -> None:
    obs = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"text": "x"},
        "subject": {"reference": "urn:uuid:0b0e1f5a-0000-4000-8000-000000000000"},
    }
    r = await client.post("/fhir/Observation", json=obs, headers=FHIR)
    assert r.status == 400
    assert (await r.json())["issue"][0]["expression"] == ["Observation.subject.reference"]


async def test_search_semantics(client: TestClient[Any, Any]) -> None:
    for family, birth in (
        ("Rossi", "1950-03-02"),
        ("Rossini", "1960-07-01"),
        ("Bianchi", "1970-01-01"),
    ):
        body = {
            "resourceType": "Patient",
            "name": [{"family": family}],
            "birthDate": birth,
            "active": True,
        }
        assert (await client.post("/fhir/Patient", json=body, headers=FHIR)).status == 201

    async def total(query: str) -> int:
        r = await client.get(f"/fhir/Patient?{query}")
        assert r.status == 200, await r.text()
        return int((await r.json())["total"])

    assert await total("family=ross") == 2
    assert await total("family:exact=rossi") == 1
    assert await total("name:contains=anch") == 1
    assert await total("family=ross,bian") == 3
    assert await total("birthdate=ge1960&birthdate=lt1970") == 1
    assert await total("birthdate=1950-03") == 1
    assert await total("active=true") == 3
    assert await total("identifier:missing=true") == 3
    assert await total("gender:missing=false") == 0
    r = await client.get("/fhir/Patient?_sort=-family")
    families = [e["resource"]["name"][0]["family"] for e in (await r.json())["entry"]]
    assert families == ["Rossini", "Rossi", "Bianchi"]
    assert (await client.get("/fhir/Patient?_sort=general-practitioner")).status == 400
    assert (await client.get("/fhir/Patient?birthdate=yesterday")).status == 400


async def test_conditional_update(client: TestClient[Any, Any]) -> None:
    body = _patient("RSSMRA80A01H501U")
    url = f"/fhir/Patient?identifier={CF}|RSSMRA80A01H501U"
    first = await client.put(url, json=body, headers=FHIR)
    assert first.status == 201
    second = await client.put(url, json=body | {"active": True}, headers=FHIR)
    assert second.status == 200
    assert (await second.json())["meta"]["versionId"] == "2"
    assert (await first.json())["id"] == (await second.json())["id"]


async def test_rtc_routes_are_mounted_when_the_module_exists(tmp_path: Path) -> None:
    fake = types.ModuleType("regional_sim.rtc")
    fake.__spec__ = ModuleSpec("regional_sim.rtc", None)

    async def hello(_request: web.Request) -> web.Response:
        return web.Response(text="rtc")

    def add_rtc_routes(app: web.Application) -> None:
        app.router.add_get("/rtc/hello", hello)

    fake.add_rtc_routes = add_rtc_routes  # type: ignore[attr-defined]
    saved = sys.modules.get("regional_sim.rtc")
    sys.modules["regional_sim.rtc"] = fake
    try:
        app = create_app(SimConfig(db_path=tmp_path / "rtc.db"))
    finally:
        if saved is None:
            del sys.modules["regional_sim.rtc"]
        else:
            sys.modules["regional_sim.rtc"] = saved
    async with TestClient(TestServer(app)) as c:
        assert await (await c.get("/rtc/hello")).text() == "rtc"


def test_date_ranges() -> None:
    lo, hi = parse_range("2026-11")
    assert hi - lo == 30 * 86_400 * 1_000_000
    lo, hi = parse_range("2026-11-24T10:00:00+01:00")
    assert format_instant(lo) == "2026-11-24T09:00:00.000Z"
    assert hi - lo == 1_000_000
    lo, hi = parse_range("2026-11-24T09:00:00.123Z")
    assert (format_instant(lo), hi - lo) == ("2026-11-24T09:00:00.123Z", 1000)
    with pytest.raises(FhirError):
        parse_range("24/11/2026")


def test_index_extraction() -> None:
    obs = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "85354-9"}]},
        "subject": {"reference": "http://x.example/fhir/Patient/p1/_history/3"},
        "effectivePeriod": {"start": "2026-11-24"},
        "component": [{"code": {"coding": [{"system": "http://loinc.org", "code": "8480-6"}]}}],
    }
    index = extract_index("Observation", obs)
    assert ("patient", "Patient", "p1", None, None) in index
    assert ("code", "http://loinc.org", "85354-9", None, None) in index
    assert ("combo-code", "http://loinc.org", "8480-6", None, None) in index
    assert any(e[0] == "date" and e[4] == 2**62 for e in index)
    assert parse_reference("Patient/abc") == ("Patient", "abc")
    assert parse_reference("#contained") is None


def test_turn_credentials() -> None:
    config = SimConfig(
        db_path=Path("unused"),
        turn_secret="s3cret",
        turn_uris=("turn:127.0.0.1:3478",),
        turn_ttl_s=600,
    )
    body = ice_servers(config, user="gp", now_s=1_000)
    (server,) = body["iceServers"]
    assert server["username"] == "1600:gp"
    expected = base64.b64encode(hmac.new(b"s3cret", b"1600:gp", hashlib.sha1).digest()).decode()
    assert server["credential"] == turn_credential("s3cret", "1600:gp") == expected
    assert ice_servers(SimConfig(db_path=Path("unused")), user="gp") == {
        "iceServers": [],
        "ttl": 3600,
    }


async def test_decimal_precision_is_kept(client: TestClient[Any, Any]) -> None:
    raw = (
        b'{"resourceType":"Observation","status":"final","code":{"text":"t"},'
        b'"valueQuantity":{"value":36.60,"unit":"Cel"},'
        b'"component":[{"code":{"text":"a"},"valueQuantity":{"value":2.0}},'
        b'{"code":{"text":"b"},"valueQuantity":{"value":1.5e2}}]}'
    )
    r = await client.post("/fhir/Observation", data=raw, headers=FHIR)
    assert r.status == 201, await r.text()
    text = await (await client.get(f"/fhir/Observation/{(await r.json())['id']}")).text()
    assert '"value":36.60' in text
    assert '"value":2.0' in text
    assert '"value":1.5E+2' in text  # same digits and exponent, valid JSON
    nan = raw.replace(b"36.60", b"NaN")
    assert (await client.post("/fhir/Observation", data=nan, headers=FHIR)).status == 400


async def test_precision_change_is_a_new_version(client: TestClient[Any, Any]) -> None:
    body = b'{"resourceType":"Observation","id":"o1","status":"final","code":{"text":"t"},"valueQuantity":{"value":%s}}'
    first = await client.put("/fhir/Observation/o1", data=body % b"36.6", headers=FHIR)
    assert first.status == 201
    same = await client.put("/fhir/Observation/o1", data=body % b"36.6", headers=FHIR)
    assert same.headers["ETag"] == 'W/"1"'
    changed = await client.put("/fhir/Observation/o1", data=body % b"36.60", headers=FHIR)
    assert changed.headers["ETag"] == 'W/"2"'
