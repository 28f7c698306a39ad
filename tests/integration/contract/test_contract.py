"""The workstation's FHIR scenarios, run unchanged against Medplum and regional_sim.

A scenario that one server cannot pass because it lacks a feature is marked
``xfail(strict=True)`` for that server only, with the reason; nothing is skipped.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest

from app.backend import (
    ClientError,
    FhirClient,
    HttpStatusError,
    MalformedResponse,
    PreconditionFailed,
)
from tests.integration.contract.conftest import expect_gap
from tests.integration.contract.servers import FhirServer
from tests.integration.fhir_proxy import CorruptingProxy

pytestmark = pytest.mark.integration

TEST_SYSTEM = "https://contract.test/sid/id"
LOINC = "http://loinc.org"


def urn() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


def ident(value: str | None = None) -> dict[str, str]:
    return {"system": TEST_SYSTEM, "value": value or str(uuid.uuid4())}


def post(
    full_url: str, resource: dict[str, Any], if_none_exist: str | None = None
) -> dict[str, Any]:
    request: dict[str, Any] = {"method": "POST", "url": resource["resourceType"]}
    if if_none_exist:
        request["ifNoneExist"] = if_none_exist
    return {"fullUrl": full_url, "resource": resource, "request": request}


def transaction(*entries: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "transaction", "entry": list(entries)}


def ref_id(reference: str) -> str:
    """'Patient/abc', 'http://h/fhir/Patient/abc' or with _history -> 'abc'."""
    parts = reference.split("/_history/")[0].rstrip("/").split("/")
    return parts[-1]


def observation(patient_ref: str, value: str, *, code: str = "8867-4") -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": code}]},
        "subject": {"reference": patient_ref},
        "effectiveDateTime": "2026-03-10T10:00:00Z",
        "valueQuantity": {
            "value": Decimal(value),
            "unit": "/min",
            "system": "http://unitsofmeasure.org",
            "code": "/min",
        },
    }


async def new_patient(client: FhirClient) -> str:
    created = await client.create(
        {"resourceType": "Patient", "identifier": [ident()], "name": [{"family": "Test"}]}
    )
    assert created.resource_id is not None
    return created.resource_id


# --------------------------------------------------------------------------- worklist


async def test_worklist_of_a_practitioner_for_a_day_with_patients(client: FhirClient) -> None:
    prac, pat_a, pat_b = urn(), urn(), urn()

    def appointment(patient: str, start: str) -> dict[str, Any]:
        return {
            "resourceType": "Appointment",
            "status": "booked",
            "start": start,
            "end": start.replace(":00:00Z", ":30:00Z"),
            "participant": [
                {"actor": {"reference": patient}, "status": "accepted"},
                {"actor": {"reference": prac}, "status": "accepted"},
            ],
        }

    result = await client.transaction(
        transaction(
            post(prac, {"resourceType": "Practitioner", "identifier": [ident()]}),
            post(pat_a, {"resourceType": "Patient", "identifier": [ident()]}),
            post(pat_b, {"resourceType": "Patient", "identifier": [ident()]}),
            post(urn(), appointment(pat_a, "2026-03-10T09:00:00Z")),
            post(urn(), appointment(pat_b, "2026-03-10T15:00:00Z")),
            post(urn(), appointment(pat_a, "2026-03-11T09:00:00Z")),  # another day
        )
    )
    ids = [e.resource_id for e in result.entries]
    prac_id, pat_a_id, pat_b_id = ids[0], ids[1], ids[2]

    worklist = await client.search(
        "Appointment",
        [
            ("practitioner", f"Practitioner/{prac_id}"),
            ("date", "ge2026-03-10T00:00:00Z"),
            ("date", "lt2026-03-11T00:00:00Z"),
            ("_sort", "date"),
        ],
        include=["Appointment:patient"],
    )

    assert [a["start"] for a in worklist.matches] == [
        "2026-03-10T09:00:00Z",
        "2026-03-10T15:00:00Z",
    ]
    assert all(a["resourceType"] == "Appointment" for a in worklist.matches)
    assert sorted(p["id"] for p in worklist.included) == sorted([pat_a_id, pat_b_id])
    assert all(p["resourceType"] == "Patient" for p in worklist.included)


# -------------------------------------------------------------- care plan thresholds


async def test_care_plan_to_threshold_ranges(client: FhirClient) -> None:
    od_sbp, od_hr, ad, patient = urn(), urn(), urn(), urn()
    canonical = f"https://contract.test/ActivityDefinition/{uuid.uuid4()}"

    def obs_def(code: str, unit: str, low: str, high: str) -> dict[str, Any]:
        return {
            "resourceType": "ObservationDefinition",
            "code": {"coding": [{"system": LOINC, "code": code}]},
            "quantitativeDetails": {"unit": {"text": unit}},
            "qualifiedInterval": [
                {
                    "category": "reference",
                    "range": {"low": {"value": Decimal(low)}, "high": {"value": Decimal(high)}},
                },
                {"category": "critical", "range": {"low": {"value": Decimal(high) + 40}}},
            ],
        }

    await client.transaction(
        transaction(
            post(od_sbp, obs_def("8480-6", "mm[Hg]", "90", "140")),
            post(od_hr, obs_def("8867-4", "/min", "50.0", "100.50")),
            post(
                ad,
                {
                    "resourceType": "ActivityDefinition",
                    "url": canonical,
                    "status": "active",
                    "observationResultRequirement": [{"reference": od_sbp}, {"reference": od_hr}],
                },
            ),
            post(patient, {"resourceType": "Patient", "identifier": [ident()]}),
            post(
                urn(),
                {
                    "resourceType": "CarePlan",
                    "status": "active",
                    "intent": "plan",
                    "subject": {"reference": patient},
                    "instantiatesCanonical": [canonical],
                },
            ),
        )
    )

    # What the workstation does: the patient's CarePlans -> programmes -> parameter definitions.
    patients = await client.search("Patient", {"identifier": f"{TEST_SYSTEM}|"}, max_pages=1)
    assert patients.matches  # sanity: token search by system works
    care_plans = await client.search("CarePlan", {"instantiates-canonical": canonical})
    assert len(care_plans.matches) == 1
    plan = care_plans.matches[0]
    definitions = await client.search(
        "ActivityDefinition", {"url": plan["instantiatesCanonical"][0]}
    )
    assert len(definitions.matches) == 1
    od_ids = [
        ref_id(r["reference"]) for r in definitions.matches[0]["observationResultRequirement"]
    ]
    ods = await client.search("ObservationDefinition", {"_id": ",".join(od_ids)})

    ranges = {
        od["code"]["coding"][0]["code"]: [
            (
                qi["category"],
                qi["range"].get("low", {}).get("value"),
                qi["range"].get("high", {}).get("value"),
            )
            for qi in od["qualifiedInterval"]
        ]
        for od in ods.matches
    }
    assert ranges == {
        "8480-6": [
            ("reference", Decimal("90"), Decimal("140")),
            ("critical", Decimal("180"), None),
        ],
        "8867-4": [
            ("reference", Decimal("50.0"), Decimal("100.50")),
            ("critical", Decimal("140.50"), None),
        ],
    }


async def test_decimal_precision_survives_the_server(
    request: pytest.FixtureRequest, fhir_server: FhirServer, client: FhirClient
) -> None:
    expect_gap(
        request,
        fhir_server,
        "medplum",
        "Medplum keeps decimals as JavaScript numbers: 100.50 comes back as 100.5",
    )
    subject = f"Patient/{await new_patient(client)}"
    created = await client.create(observation(subject, "100.50"))
    assert created.resource_id is not None
    stored = (await client.read("Observation", created.resource_id)).resource
    assert stored is not None
    assert str(stored["valueQuantity"]["value"]) == "100.50"


# ------------------------------------------------------------ conditional create


async def test_conditional_create_replayed_three_times_gives_one_resource(
    client: FhirClient,
) -> None:
    identifier = ident()
    query = {"identifier": f"{identifier['system']}|{identifier['value']}"}
    patient = {"resourceType": "Patient", "identifier": [identifier]}

    results = [await client.create(patient, if_none_exist=query) for _ in range(3)]

    assert [r.created for r in results] == [True, False, False]
    assert len({r.resource_id for r in results}) == 1
    found = await client.search("Patient", query)
    assert [p["id"] for p in found.matches] == [results[0].resource_id]


async def test_conditional_create_in_transaction_replayed_three_times(client: FhirClient) -> None:
    identifier = ident()
    query = f"identifier={identifier['system']}|{identifier['value']}"
    bundle = transaction(
        post(urn(), {"resourceType": "Patient", "identifier": [identifier]}, query)
    )

    statuses = [(await client.transaction(bundle)).entries[0].status for _ in range(3)]

    assert statuses == [201, 200, 200]
    found = await client.search(
        "Patient", {"identifier": f"{identifier['system']}|{identifier['value']}"}
    )
    assert len(found.matches) == 1


# -------------------------------------------------------------- transaction, Binary


async def test_transaction_with_urn_uuid_references_and_binary(client: FhirClient) -> None:
    patient, binary, doc = urn(), urn(), urn()
    pdf = b"%PDF-1.4\n% referto di televisita\n" + bytes(range(256))
    identifier = ident()
    result = await client.transaction(
        transaction(
            post(
                patient,
                {"resourceType": "Patient", "identifier": [identifier]},
                f"identifier={identifier['system']}|{identifier['value']}",
            ),
            post(
                binary,
                {
                    "resourceType": "Binary",
                    "contentType": "application/pdf",
                    "data": base64.b64encode(pdf).decode(),
                },
            ),
            post(
                doc,
                {
                    "resourceType": "DocumentReference",
                    "status": "current",
                    "type": {"coding": [{"system": LOINC, "code": "75496-0"}]},
                    "subject": {"reference": patient},
                    "content": [{"attachment": {"contentType": "application/pdf", "url": binary}}],
                },
            ),
        )
    )
    assert [e.status for e in result.entries] == [201, 201, 201]
    patient_id, binary_id, doc_id = (e.resource_id for e in result.entries)
    assert patient_id and binary_id and doc_id

    stored = (await client.read("DocumentReference", doc_id)).resource
    assert stored is not None
    assert ref_id(stored["subject"]["reference"]) == patient_id
    assert stored["subject"]["reference"].startswith("Patient/")
    url = stored["content"][0]["attachment"]["url"]
    assert url.endswith(f"Binary/{binary_id}") and not url.startswith("urn:")
    stored_binary = (await client.read("Binary", binary_id)).resource
    assert stored_binary is not None
    assert base64.b64decode(stored_binary["data"]) == pdf


async def test_idempotent_report_transaction_put_binary_with_client_id(client: FhirClient) -> None:
    """DESIGN §4 form: Binary by PUT with a client id (never POSTed), referenced by urn:uuid."""
    binary_id = str(uuid.uuid4())
    binary_urn = f"urn:uuid:{binary_id}"
    identifier = ident()
    pdf = b"%PDF-1.4\n% referto\n"
    bundle = transaction(
        {
            "fullUrl": binary_urn,
            "resource": {
                "resourceType": "Binary",
                "id": binary_id,
                "contentType": "application/pdf",
                "data": base64.b64encode(pdf).decode(),
            },
            "request": {"method": "PUT", "url": f"Binary/{binary_id}"},
        },
        post(
            urn(),
            {
                "resourceType": "DocumentReference",
                "identifier": [identifier],
                "status": "current",
                "content": [{"attachment": {"contentType": "application/pdf", "url": binary_urn}}],
            },
            f"identifier={identifier['system']}|{identifier['value']}",
        ),
    )

    first = await client.transaction(bundle)
    again = await client.transaction(bundle)  # resent after an unknown outcome

    assert first.entries[1].resource_id == again.entries[1].resource_id
    found = await client.search(
        "DocumentReference", {"identifier": f"{identifier['system']}|{identifier['value']}"}
    )
    assert len(found.matches) == 1
    url = found.matches[0]["content"][0]["attachment"]["url"]
    assert url.endswith(f"Binary/{binary_id}")
    stored = (await client.read("Binary", binary_id)).resource
    assert stored is not None and base64.b64decode(stored["data"]) == pdf


async def test_failed_transaction_writes_nothing(
    request: pytest.FixtureRequest, fhir_server: FhirServer, client: FhirClient
) -> None:
    expect_gap(
        request,
        fhir_server,
        "medplum",
        "Medplum's MemoryRepository.withTransaction runs the callback without rollback, "
        "so entries before a failing one stay written",
    )
    existing = await new_patient(client)
    identifier = ident()
    stale_update = {
        "resource": {"resourceType": "Patient", "id": existing, "active": False},
        "request": {
            "method": "PUT",
            "url": f"Patient/{existing}",
            "ifMatch": 'W/"no-such-version"',
        },
    }
    with pytest.raises(HttpStatusError):
        await client.transaction(
            transaction(
                post(urn(), {"resourceType": "Patient", "identifier": [identifier]}),
                stale_update,
            )
        )
    found = await client.search(
        "Patient", {"identifier": f"{identifier['system']}|{identifier['value']}"}
    )
    assert found.matches == []


async def test_binary_put_streams_from_file(client: FhirClient, tmp_path: Any) -> None:
    data = bytes(range(256)) * 4096  # 1 MiB
    path = tmp_path / "referto.pdf"
    path.write_bytes(data)
    binary_id = str(uuid.uuid4())

    written = await client.put_binary(binary_id, path, content_type="application/pdf")

    assert written.status in (200, 201)
    stored = (await client.read("Binary", binary_id)).resource
    assert stored is not None
    assert stored["contentType"] == "application/pdf"
    assert base64.b64decode(stored["data"]) == data


async def test_binary_put_streams_from_async_iterator(client: FhirClient) -> None:
    chunk = bytes(range(256)) * 256  # 64 KiB

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(8):
            yield chunk

    binary_id = str(uuid.uuid4())
    written = await client.put_binary(binary_id, chunks(), content_type="application/pdf")

    assert written.status in (200, 201)
    stored = (await client.read("Binary", binary_id)).resource
    assert stored is not None
    assert base64.b64decode(stored["data"]) == chunk * 8


async def test_batch_entries_succeed_or_fail_on_their_own(client: FhirClient) -> None:
    identifier = ident()
    result = await client.batch(
        {
            "resourceType": "Bundle",
            "type": "batch",
            "entry": [
                {
                    "resource": {"resourceType": "Patient", "identifier": [identifier]},
                    "request": {"method": "POST", "url": "Patient"},
                },
                {"request": {"method": "GET", "url": f"Patient/{uuid.uuid4()}"}},
            ],
        }
    )
    assert [e.ok for e in result.entries] == [True, False]
    assert result.entries[0].status == 201
    assert result.entries[1].status == 404
    found = await client.search(
        "Patient", {"identifier": f"{identifier['system']}|{identifier['value']}"}
    )
    assert [p["id"] for p in found.matches] == [result.entries[0].resource_id]


# ------------------------------------------------------------------ If-Match / 412


async def test_if_match_conflict_refetch_reapply_succeeds(client: FhirClient) -> None:
    created = await client.create(
        {"resourceType": "Patient", "identifier": [ident()], "active": True}
    )
    pid = created.resource_id
    assert pid is not None
    mine = await client.read("Patient", pid)
    assert mine.resource is not None and mine.etag is not None

    # Someone else updates first.
    theirs = await client.update({**mine.resource, "gender": "female"}, if_match=mine.etag)
    assert theirs.etag != mine.etag

    # Our stale write is refused...
    with pytest.raises(PreconditionFailed) as info:
        await client.update({**mine.resource, "birthDate": "1980-01-01"}, if_match=mine.etag)
    assert info.value.status == 412

    # ...so we refetch and re-apply our change on top of theirs.
    final = await client.read_modify_write(
        "Patient", pid, lambda res: {**res, "birthDate": "1980-01-01"}
    )
    assert final.resource is not None
    now = (await client.read("Patient", pid)).resource
    assert now is not None
    assert now["gender"] == "female" and now["birthDate"] == "1980-01-01"


# --------------------------------------------------------------------------- paging


async def _observations(client: FhirClient, count: int) -> str:
    patient = await new_patient(client)
    ref = f"Patient/{patient}"
    for start in range(0, count, 100):
        await client.transaction(
            transaction(
                *(
                    post(urn(), observation(ref, f"{60 + i % 40}.0"))
                    for i in range(start, min(count, start + 100))
                )
            )
        )
    return ref


async def test_paging_through_250_results(
    request: pytest.FixtureRequest, fhir_server: FhirServer, client: FhirClient
) -> None:
    expect_gap(
        request,
        fhir_server,
        "medplum",
        "Medplum's in-memory search returns no Bundle.link (next), so a client cannot page",
    )
    subject = await _observations(client, 250)

    result = await client.search("Observation", {"subject": subject, "_count": "50"})

    assert result.pages == 5
    assert len(result.matches) == 250
    assert len({o["id"] for o in result.matches}) == 250


# ---------------------------------------------------------------- incremental pull


async def test_incremental_pull_by_last_updated(client: FhirClient) -> None:
    subject = await _observations(client, 3)

    first = await client.pull_updates("Observation", watermark=None, params={"subject": subject})
    assert len(first.resources) == 3 and first.watermark is not None

    nothing = await client.pull_updates(
        "Observation", watermark=first.watermark, params={"subject": subject}
    )
    assert nothing.resources == [] and nothing.watermark == first.watermark

    late = await client.create(observation(subject, "72.0"))
    updated = await client.pull_updates(
        "Observation", watermark=first.watermark, params={"subject": subject}
    )
    assert [r["id"] for r in updated.resources] == [late.resource_id]
    assert updated.watermark is not None and updated.watermark != first.watermark


async def test_incremental_pull_follows_paging_links(
    request: pytest.FixtureRequest, fhir_server: FhirServer, client: FhirClient
) -> None:
    expect_gap(
        request,
        fhir_server,
        "medplum",
        "Medplum's in-memory search returns no Bundle.link (next), so a client cannot page",
    )
    subject = await _observations(client, 7)

    pulled = await client.pull_updates(
        "Observation", watermark=None, params={"subject": subject}, page_size=2
    )

    assert len({r["id"] for r in pulled.resources}) == 7
    stamps = [r["meta"]["lastUpdated"] for r in pulled.resources]
    assert stamps == sorted(stamps)


# ------------------------------------------------------- malformed server responses


@pytest.mark.parametrize("mode", ["truncate", "html"])
async def test_malformed_response_is_a_typed_error(fhir_server: FhirServer, mode: str) -> None:
    async with CorruptingProxy(fhir_server.fhir_base) as proxy:
        async with FhirClient(proxy.fhir_base, max_attempts=1) as via_proxy:
            pid = await new_patient(via_proxy)
            proxy.corrupt_next(mode)
            with pytest.raises(MalformedResponse):
                await via_proxy.read("Patient", pid)
            # The next exchange is clean again.
            assert (await via_proxy.read("Patient", pid)).resource is not None


async def test_corrupted_transaction_response_then_resend_writes_once(
    fhir_server: FhirServer, client: FhirClient
) -> None:
    identifier = ident()
    query = f"identifier={identifier['system']}|{identifier['value']}"
    bundle = transaction(
        post(urn(), {"resourceType": "Patient", "identifier": [identifier]}, query)
    )
    async with CorruptingProxy(fhir_server.fhir_base) as proxy:
        async with FhirClient(proxy.fhir_base, max_attempts=1) as via_proxy:
            proxy.corrupt_next("truncate")
            with pytest.raises(MalformedResponse):
                await via_proxy.transaction(bundle)  # no partial result reaches the caller

    # The outcome was unknown to the client; resending the same bytes is safe.
    again = await client.transaction(bundle)
    assert again.entries[0].ok
    found = await client.search(
        "Patient", {"identifier": f"{identifier['system']}|{identifier['value']}"}
    )
    assert len(found.matches) == 1


async def test_invalid_resource_is_rejected_with_outcome(
    request: pytest.FixtureRequest, fhir_server: FhirServer, client: FhirClient
) -> None:
    expect_gap(
        request,
        fhir_server,
        "medplum",
        "@medplum/fhir-router's in-memory engine does not validate resources on write "
        "(it stores it; only our client's R4B check of the echo then objects)",
    )
    with pytest.raises(ClientError) as info:
        await client.create(
            {
                "resourceType": "Observation",
                "status": "final",
                "code": {"text": "x"},
                "valueQuantity": {"value": "not-a-number"},
                "unknownElement": True,
            }
        )
    assert 400 <= info.value.status < 500
    assert info.value.issues, "the server explains the rejection in an OperationOutcome"
