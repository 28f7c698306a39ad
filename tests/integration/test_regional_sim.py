"""The real regional_sim process over HTTP: the FHIR semantics the offline queue relies on."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.integration.regional_sim_process import RunningSim, regional_sim

pytestmark = pytest.mark.integration

FHIR = "application/fhir+json"
CF = "http://hl7.it/sid/codiceFiscale"
OBS_ID = "urn:ietf:rfc:3986"
TURN_SECRET = "test-turn-secret"


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSim]:
    db = tmp_path_factory.mktemp("regional-sim") / "sim.db"
    with regional_sim(
        db,
        extra_args=[
            "--turn-secret",
            TURN_SECRET,
            "--turn-uri",
            "turn:127.0.0.1:3478?transport=udp",
            "--turn-uri",
            "turn:127.0.0.1:3478?transport=tcp",
        ],
    ) as running:
        yield running


@pytest.fixture
def client(sim: RunningSim) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=sim.fhir, headers={"Accept": FHIR, "Content-Type": FHIR}, timeout=30
    ) as c:
        yield c


def _patient(cf: str, family: str = "Rossi") -> dict[str, Any]:
    return {
        "resourceType": "Patient",
        "identifier": [{"system": CF, "value": cf}],
        "name": [{"family": family, "given": ["Mario"]}],
        "gender": "male",
        "birthDate": "1980-01-01",
    }


def _unique_cf() -> str:
    # Unique per test run; strict codice fiscale checks are off by default.
    return "T" + uuid.uuid4().hex[:15].upper()


def _total(client: httpx.Client, rtype: str, query: str) -> int:
    r = client.get(f"/{rtype}?{query}&_summary=count")
    assert r.status_code == 200, r.text
    return int(r.json()["total"])


def _is_outcome(r: httpx.Response, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(FHIR)
    body: dict[str, Any] = r.json()
    assert body["resourceType"] == "OperationOutcome"
    assert body["issue"][0]["severity"] == "error"
    return body


def test_starts_and_reports_health(sim: RunningSim) -> None:
    print(f"regional_sim start-up (process spawn to listening line): {sim.startup_s:.3f} s")
    assert sim.startup_s < 10.0
    r = httpx.get(f"{sim.url}/health", timeout=10)
    assert r.status_code == 200
    assert r.json()["status"] == "ok"
    meta = httpx.get(f"{sim.fhir}/metadata", timeout=10)
    assert meta.json()["fhirVersion"] == "4.0.1"


def test_create_read_and_etag(client: httpx.Client) -> None:
    r = client.post("/Patient", json=_patient(_unique_cf()))
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["meta"]["versionId"] == "1"
    assert r.headers["ETag"] == 'W/"1"'
    assert r.headers["Location"].endswith(f"/Patient/{created['id']}/_history/1")
    read = client.get(f"/Patient/{created['id']}")
    assert read.status_code == 200
    assert read.json() == created
    assert read.headers["ETag"] == 'W/"1"'
    vread = client.get(f"/Patient/{created['id']}/_history/1")
    assert vread.json() == created
    not_modified = client.get(f"/Patient/{created['id']}", headers={"If-None-Match": 'W/"1"'})
    assert not_modified.status_code == 304


def test_conditional_create_replayed_three_times_gives_one_resource(client: httpx.Client) -> None:
    cf = _unique_cf()
    headers = {"If-None-Exist": f"identifier={CF}|{cf}"}
    statuses = []
    ids = set()
    for _ in range(3):
        r = client.post("/Patient", json=_patient(cf), headers=headers)
        statuses.append(r.status_code)
        ids.add(r.json()["id"])
    assert statuses == [201, 200, 200]
    assert len(ids) == 1
    assert _total(client, "Patient", f"identifier={CF}|{cf}") == 1


async def test_concurrent_conditional_creates_never_duplicate(sim: RunningSim) -> None:
    cf = _unique_cf()
    headers = {"If-None-Exist": f"identifier={CF}|{cf}", "Content-Type": FHIR}
    async with httpx.AsyncClient(base_url=sim.fhir, timeout=30) as ac:
        responses = await asyncio.gather(
            *(ac.post("/Patient", json=_patient(cf), headers=headers) for _ in range(8))
        )
        assert sorted(r.status_code for r in responses) == [200] * 7 + [201]
        assert len({r.json()["id"] for r in responses}) == 1
        count = await ac.get(f"/Patient?identifier={CF}|{cf}&_summary=count")
        assert count.json()["total"] == 1


def test_conditional_create_with_two_matches_is_412(client: httpx.Client) -> None:
    family = "Dup" + uuid.uuid4().hex[:8]
    for _ in range(2):
        assert client.post("/Patient", json=_patient(_unique_cf(), family)).status_code == 201
    r = client.post(
        "/Patient",
        json=_patient(_unique_cf(), family),
        headers={"If-None-Exist": f"family={family}"},
    )
    _is_outcome(r, 412)
    assert _total(client, "Patient", f"family={family}") == 2


def _report_transaction(cf: str, obs_key: str) -> dict[str, Any]:
    patient_url = f"urn:uuid:{uuid.uuid4()}"
    binary_id = str(uuid.uuid4())
    binary_url = f"urn:uuid:{binary_id}"
    doc_url = f"urn:uuid:{uuid.uuid4()}"
    obs_url = f"urn:uuid:{uuid.uuid4()}"
    pdf = b"%PDF-1.4 referto di televisita"
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": patient_url,
                "resource": _patient(cf),
                "request": {
                    "method": "POST",
                    "url": "Patient",
                    "ifNoneExist": f"identifier={CF}|{cf}",
                },
            },
            {
                "fullUrl": binary_url,
                "resource": {
                    "resourceType": "Binary",
                    "id": binary_id,
                    "contentType": "application/pdf",
                    "data": base64.b64encode(pdf).decode(),
                },
                "request": {"method": "PUT", "url": f"Binary/{binary_id}"},
            },
            {
                "fullUrl": doc_url,
                "resource": {
                    "resourceType": "DocumentReference",
                    "identifier": [{"system": OBS_ID, "value": f"urn:uuid:{obs_key}-doc"}],
                    "status": "current",
                    "type": {"coding": [{"system": "http://loinc.org", "code": "75496-0"}]},
                    "subject": {"reference": patient_url},
                    "content": [
                        {"attachment": {"contentType": "application/pdf", "url": binary_url}}
                    ],
                },
                "request": {
                    "method": "POST",
                    "url": "DocumentReference",
                    "ifNoneExist": f"identifier={OBS_ID}|urn:uuid:{obs_key}-doc",
                },
            },
            {
                "fullUrl": obs_url,
                "resource": {
                    "resourceType": "Observation",
                    "identifier": [{"system": OBS_ID, "value": f"urn:uuid:{obs_key}"}],
                    "status": "final",
                    "code": {"coding": [{"system": "http://loinc.org", "code": "8867-4"}]},
                    "subject": {"reference": patient_url},
                    "effectiveDateTime": "2026-11-24T09:00:00+01:00",
                    "valueQuantity": {
                        "value": 72,
                        "unit": "/min",
                        "system": "http://unitsofmeasure.org",
                        "code": "/min",
                    },
                    "derivedFrom": [{"reference": doc_url}],
                },
                "request": {
                    "method": "POST",
                    "url": "Observation",
                    "ifNoneExist": f"identifier={OBS_ID}|urn:uuid:{obs_key}",
                },
            },
        ],
    }


def test_transaction_rewrites_urn_uuid_references_and_attachment_url(client: httpx.Client) -> None:
    cf = _unique_cf()
    obs_key = str(uuid.uuid4())
    bundle = _report_transaction(cf, obs_key)
    r = client.post("", json=bundle)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["type"] == "transaction-response"
    statuses = [e["response"]["status"] for e in out["entry"]]
    assert statuses == ["201 Created"] * 4
    patient_id = out["entry"][0]["resource"]["id"]
    binary_id = bundle["entry"][1]["resource"]["id"]
    doc = client.get("/" + out["entry"][2]["response"]["location"].split("/_history")[0]).json()
    assert doc["subject"]["reference"] == f"Patient/{patient_id}"
    assert doc["content"][0]["attachment"]["url"] == f"Binary/{binary_id}"
    obs = out["entry"][3]["resource"]
    assert obs["subject"]["reference"] == f"Patient/{patient_id}"
    assert obs["derivedFrom"][0]["reference"] == f"DocumentReference/{doc['id']}"
    raw = client.get(f"/Binary/{binary_id}", headers={"Accept": "application/pdf"})
    assert raw.content == b"%PDF-1.4 referto di televisita"
    assert raw.headers["content-type"] == "application/pdf"

    # Replaying the very same bytes (offline queue after a lost response) writes nothing new.
    again = client.post("", json=bundle)
    assert again.status_code == 200, again.text
    assert [e["response"]["status"] for e in again.json()["entry"]] == ["200 OK"] * 4
    assert again.json()["entry"][3]["resource"]["id"] == obs["id"]
    assert _total(client, "Observation", f"identifier={OBS_ID}|urn:uuid:{obs_key}") == 1
    assert _total(client, "Patient", f"identifier={CF}|{cf}") == 1
    assert client.get(f"/Binary/{binary_id}").json()["meta"]["versionId"] == "1"


def test_transaction_is_all_or_nothing(client: httpx.Client) -> None:
    cf = _unique_cf()
    bundle = _report_transaction(cf, str(uuid.uuid4()))
    bundle["entry"][3]["resource"]["status"] = None  # required element missing
    r = client.post("", json=bundle)
    body = _is_outcome(r, 400)
    assert "Bundle.entry[3]" in str(body)
    assert _total(client, "Patient", f"identifier={CF}|{cf}") == 0

    # A runtime failure (version conflict) in a later entry rolls back earlier writes too.
    bundle = _report_transaction(cf, str(uuid.uuid4()))
    bundle["entry"][1]["request"]["ifMatch"] = 'W/"7"'
    r = client.post("", json=bundle)
    _is_outcome(r, 412)
    assert _total(client, "Patient", f"identifier={CF}|{cf}") == 0


def test_batch_reports_each_entry(client: httpx.Client) -> None:
    cf = _unique_cf()
    bundle = {
        "resourceType": "Bundle",
        "type": "batch",
        "entry": [
            {"resource": _patient(cf), "request": {"method": "POST", "url": "Patient"}},
            {
                "resource": {"resourceType": "Patient", "gender": 7},
                "request": {"method": "POST", "url": "Patient"},
            },
            {"request": {"method": "GET", "url": f"Patient?identifier={CF}|{cf}"}},
        ],
    }
    r = client.post("", json=bundle)
    assert r.status_code == 200, r.text
    entries = r.json()["entry"]
    assert entries[0]["response"]["status"].startswith("201")
    assert entries[1]["response"]["status"].startswith("400")
    assert entries[1]["response"]["outcome"]["resourceType"] == "OperationOutcome"
    assert entries[2]["resource"]["total"] == 1


def test_if_match_conflict_is_412(client: httpx.Client) -> None:
    created = client.post("/Patient", json=_patient(_unique_cf())).json()
    pid = created["id"]
    updated = dict(created, active=True)
    r1 = client.put(f"/Patient/{pid}", json=updated, headers={"If-Match": 'W/"1"'})
    assert r1.status_code == 200, r1.text
    assert r1.headers["ETag"] == 'W/"2"'
    stale = dict(created, active=False)
    r2 = client.put(f"/Patient/{pid}", json=stale, headers={"If-Match": 'W/"1"'})
    _is_outcome(r2, 412)
    current = client.get(f"/Patient/{pid}").json()
    assert current["active"] is True
    assert current["meta"]["versionId"] == "2"
    old = client.get(f"/Patient/{pid}/_history/1").json()
    assert old["meta"]["versionId"] == "1"
    assert "active" not in old
    _is_outcome(client.get(f"/Patient/{pid}/_history/3"), 404)
    # Identical replay of an update is idempotent: no new version.
    r3 = client.put(f"/Patient/{pid}", json=updated)
    assert r3.status_code == 200
    assert r3.headers["ETag"] == 'W/"2"'


def test_put_with_client_id_creates_then_updates(client: httpx.Client) -> None:
    rid = str(uuid.uuid4())
    flag = {
        "resourceType": "Flag",
        "id": rid,
        "status": "active",
        "code": {"text": "pressione fuori soglia"},
        "subject": {"reference": "Patient/x"},
    }
    assert client.put(f"/Flag/{rid}", json=flag).status_code == 201
    flag["status"] = "inactive"
    r = client.put(f"/Flag/{rid}", json=flag)
    assert r.status_code == 200
    assert r.json()["meta"]["versionId"] == "2"
    mismatched = dict(flag, id="other")
    _is_outcome(client.put(f"/Flag/{rid}", json=mismatched), 400)


def test_paging_through_250_results(client: httpx.Client) -> None:
    subject = f"Patient/{uuid.uuid4()}"
    entries = [
        {
            "resource": {
                "resourceType": "Observation",
                "status": "final",
                "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7"}]},
                "subject": {"reference": subject},
                "effectiveDateTime": f"2026-08-{1 + i % 28:02d}T08:00:00Z",
                "valueQuantity": {
                    "value": 70 + i / 10,
                    "unit": "kg",
                    "system": "http://unitsofmeasure.org",
                    "code": "kg",
                },
            },
            "request": {"method": "POST", "url": "Observation"},
        }
        for i in range(250)
    ]
    r = client.post("", json={"resourceType": "Bundle", "type": "transaction", "entry": entries})
    assert r.status_code == 200, r.text
    url: str | None = f"/Observation?subject={subject}&_count=40"
    seen: list[str] = []
    pages = 0
    while url is not None:
        page = client.get(url).json()
        pages += 1
        assert page["total"] == 250
        seen.extend(e["resource"]["id"] for e in page.get("entry", []))
        url = next((lk["url"] for lk in page["link"] if lk["relation"] == "next"), None)
        assert pages <= 10
    assert pages == 7
    assert len(seen) == 250
    assert len(set(seen)) == 250


def test_incremental_pull_by_last_updated(client: httpx.Client) -> None:
    marker = uuid.uuid4().hex
    first = client.post(
        "/Task",
        json={
            "resourceType": "Task",
            "status": "requested",
            "intent": "order",
            "owner": {"reference": f"Practitioner/{marker}"},
        },
    ).json()
    watermark = first["meta"]["lastUpdated"]
    later = []
    for status in ("requested", "in-progress"):
        later.append(
            client.post(
                "/Task",
                json={
                    "resourceType": "Task",
                    "status": status,
                    "intent": "order",
                    "owner": {"reference": f"Practitioner/{marker}"},
                },
            ).json()
        )
    r = client.get(
        "/Task",
        params={
            "owner": f"Practitioner/{marker}",
            "_lastUpdated": f"gt{watermark}",
            "_sort": "_lastUpdated",
        },
    )
    got = [e["resource"]["id"] for e in r.json().get("entry", [])]
    assert got == [t["id"] for t in later]
    both = client.get("/Task", params={"owner": f"Practitioner/{marker}", "status": "requested"})
    assert both.json()["total"] == 2


def test_invalid_resource_is_400_and_nothing_is_written(client: httpx.Client) -> None:
    family = "Invalid" + uuid.uuid4().hex[:8]
    bad = _patient(_unique_cf(), family) | {"unknownElement": True}
    _is_outcome(client.post("/Patient", json=bad), 400)
    _is_outcome(client.post("/Patient", content=b"{not json"), 400)
    wrong_type = client.post("/Observation", json=_patient(_unique_cf(), family))
    _is_outcome(wrong_type, 400)
    assert _total(client, "Patient", f"family={family}") == 0


def test_errors_are_operation_outcomes(client: httpx.Client) -> None:
    _is_outcome(client.get(f"/Patient/{uuid.uuid4()}"), 404)
    _is_outcome(client.get("/Frobnicator/1"), 404)
    _is_outcome(client.get("/Patient?unknown-param=1"), 400)
    _is_outcome(client.delete("/Patient/1"), 405)


def test_binary_put_raw_bytes_and_fhir_json(client: httpx.Client) -> None:
    rid = str(uuid.uuid4())
    data = bytes(range(256)) * 10
    r = client.put(
        f"/Binary/{rid}", content=data, headers={"Content-Type": "application/octet-stream"}
    )
    assert r.status_code == 201, r.text
    raw = client.get(f"/Binary/{rid}", headers={"Accept": "*/*"})
    assert raw.content == data
    as_fhir = client.get(f"/Binary/{rid}").json()
    assert as_fhir["resourceType"] == "Binary"
    assert base64.b64decode(as_fhir["data"]) == data


def test_includes_resolve_references_and_canonicals(client: httpx.Client) -> None:
    tag = uuid.uuid4().hex[:8]
    patient = client.post("/Patient", json=_patient(_unique_cf(), "Incl" + tag)).json()
    gp = client.post(
        "/Practitioner", json={"resourceType": "Practitioner", "name": [{"family": "Bianchi"}]}
    ).json()
    client.post(
        "/Appointment",
        json={
            "resourceType": "Appointment",
            "status": "booked",
            "start": "2031-03-04T09:00:00Z",
            "end": "2031-03-04T09:20:00Z",
            "participant": [
                {"actor": {"reference": f"Patient/{patient['id']}"}, "status": "accepted"},
                {"actor": {"reference": f"Practitioner/{gp['id']}"}, "status": "accepted"},
            ],
        },
    )
    r = client.get(
        "/Appointment",
        params={"practitioner": gp["id"], "date": "2031-03-04", "_include": "Appointment:patient"},
    ).json()
    modes = sorted((e["search"]["mode"], e["resource"]["resourceType"]) for e in r["entry"])
    assert modes == [("include", "Patient"), ("match", "Appointment")]

    url = f"http://example.org/fhir/ActivityDefinition/test-{tag}"
    client.post(
        "/ActivityDefinition",
        json={
            "resourceType": "ActivityDefinition",
            "url": url,
            "status": "active",
            "kind": "ServiceRequest",
        },
    )
    client.post(
        "/CarePlan",
        json={
            "resourceType": "CarePlan",
            "status": "active",
            "intent": "plan",
            "subject": {"reference": f"Patient/{patient['id']}"},
            "instantiatesCanonical": [f"{url}|1.0"],
        },
    )
    r = client.get(
        "/CarePlan",
        params={
            "patient": f"Patient/{patient['id']}",
            "_include": "CarePlan:instantiates-canonical",
        },
    ).json()
    types = sorted(e["resource"]["resourceType"] for e in r["entry"])
    assert types == ["ActivityDefinition", "CarePlan"]


def test_ice_servers_credentials_verify_with_hmac(sim: RunningSim) -> None:
    before = int(time.time())
    r = httpx.get(f"{sim.url}/rtc/ice-servers", params={"user": "nurse01"}, timeout=10)
    assert r.status_code == 200
    body = r.json()
    assert body["ttl"] == 3600
    (server,) = body["iceServers"]
    assert server["urls"] == [
        "turn:127.0.0.1:3478?transport=udp",
        "turn:127.0.0.1:3478?transport=tcp",
    ]
    expiry, user = server["username"].split(":")
    assert user == "nurse01"
    assert before + 3600 <= int(expiry) <= int(time.time()) + 3600
    expected = base64.b64encode(
        hmac.new(TURN_SECRET.encode(), server["username"].encode(), hashlib.sha1).digest()
    ).decode()
    assert server["credential"] == expected


def test_data_persists_across_restart(tmp_path: Path) -> None:
    db = tmp_path / "persist.db"
    with regional_sim(db) as first:
        r = httpx.post(
            f"{first.fhir}/Patient",
            json=_patient("RSSMRA80A01H501U"),
            headers={"Content-Type": FHIR},
            timeout=10,
        )
        pid = r.json()["id"]
    with regional_sim(db) as second:
        again = httpx.get(f"{second.fhir}/Patient/{pid}", timeout=10)
        assert again.status_code == 200
        assert again.json()["identifier"][0]["value"] == "RSSMRA80A01H501U"


def test_identifier_equal_to_full_url_is_kept_and_replays_match(client: httpx.Client) -> None:
    # Clients often reuse the capture-time UUID for both fullUrl and identifier.
    key = f"urn:uuid:{uuid.uuid4()}"
    cf = _unique_cf()
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": key,
                "resource": {
                    "resourceType": "Observation",
                    "identifier": [{"system": OBS_ID, "value": key}],
                    "status": "final",
                    "code": {"coding": [{"system": "http://loinc.org", "code": "8310-5"}]},
                    "subject": {"reference": f"Patient?identifier={CF}|{cf}"},
                    "valueQuantity": {
                        "value": 36.6,
                        "unit": "Cel",
                        "system": "http://unitsofmeasure.org",
                        "code": "Cel",
                    },
                },
                "request": {
                    "method": "POST",
                    "url": "Observation",
                    "ifNoneExist": f"identifier={OBS_ID}|{key}",
                },
            }
        ],
    }
    # The conditional reference matches no Patient yet: 412, nothing written.
    _is_outcome(client.post("", json=bundle), 412)
    patient = client.post("/Patient", json=_patient(cf)).json()
    first = client.post("", json=bundle)
    assert first.status_code == 200, first.text
    obs = first.json()["entry"][0]["resource"]
    assert obs["identifier"][0]["value"] == key
    assert obs["subject"]["reference"] == f"Patient/{patient['id']}"
    assert obs["valueQuantity"]["value"] == 36.6
    replay = client.post("", json=bundle).json()
    assert replay["entry"][0]["response"]["status"] == "200 OK"
    assert replay["entry"][0]["resource"]["id"] == obs["id"]
    # If-None-Exist also accepts the "Type?criteria" spelling.
    again = client.post(
        "/Observation",
        json=bundle["entry"][0]["resource"]
        | {"subject": {"reference": f"Patient/{patient['id']}"}},
        headers={"If-None-Exist": f"Observation?identifier={OBS_ID}|{key}"},
    )
    assert again.status_code == 200
    assert again.json()["id"] == obs["id"]


def _self_signed(tmp_path: Path, *, host: str) -> tuple[Path, Path]:
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    try:
        san: x509.GeneralName = x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        san = x509.DNSName(host)
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([san]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / f"{host}.crt", tmp_path / f"{host}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.mark.parametrize(
    ("cert_host", "trusted"), [("127.0.0.1", True), ("wrong.example.org", False)]
)
def test_https_with_verified_certificate(tmp_path: Path, cert_host: str, trusted: bool) -> None:
    import ssl

    cert, key = _self_signed(tmp_path, host=cert_host)
    args = ["--tls-cert", str(cert), "--tls-key", str(key)]
    with regional_sim(tmp_path / "tls.db", extra_args=args) as running:
        assert running.url.startswith("https://")
        ctx = ssl.create_default_context(cafile=str(cert))
        if trusted:
            r = httpx.get(f"{running.fhir}/metadata", verify=ctx, timeout=10)
            assert r.status_code == 200
        else:
            with pytest.raises(httpx.ConnectError, match="(?i)certificate|hostname"):
                httpx.get(f"{running.fhir}/metadata", verify=ctx, timeout=10)


def test_lenient_handling_ignores_unknown_parameters(client: httpx.Client) -> None:
    strict = client.get("/Patient", params={"frobnicate": "1", "_count": "1"})
    _is_outcome(strict, 400)
    lenient = client.get(
        "/Patient",
        params={"frobnicate": "1", "_count": "1"},
        headers={"Prefer": "handling=lenient"},
    )
    assert lenient.status_code == 200
    assert "frobnicate" not in lenient.json()["link"][0]["url"]


def test_transaction_writing_one_resource_twice_is_409(client: httpx.Client) -> None:
    rid = str(uuid.uuid4())
    flag = {
        "resourceType": "Flag",
        "status": "active",
        "code": {"text": "x"},
        "subject": {"reference": "Patient/p"},
    }
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {"resource": flag | {"id": rid}, "request": {"method": "PUT", "url": f"Flag/{rid}"}},
            {
                "resource": flag | {"id": rid, "status": "inactive"},
                "request": {"method": "PUT", "url": f"Flag/{rid}"},
            },
        ],
    }
    _is_outcome(client.post("", json=bundle), 409)
    _is_outcome(client.get(f"/Flag/{rid}"), 404)
