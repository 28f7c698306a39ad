"""FhirClient against httpx.MockTransport: requests sent, retries, typed errors."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.backend import (
    ClientError,
    ConnectionFailed,
    FhirClient,
    Gone,
    HttpStatusError,
    MalformedResponse,
    NotFound,
    PreconditionFailed,
    RateLimited,
    ServerError,
    Timeout,
    Unauthorized,
)

BASE = "https://fhir.test/fhir"
FHIR = {"Content-Type": "application/fhir+json"}

Handler = Callable[[httpx.Request], httpx.Response]


def patient(
    pid: str = "p1", version: str = "1", updated: str = "2026-01-01T10:00:00.000Z"
) -> dict[str, Any]:
    return {
        "resourceType": "Patient",
        "id": pid,
        "meta": {"versionId": version, "lastUpdated": updated},
        "name": [{"family": "Rossi"}],
    }


def outcome(text: str, code: str = "processing") -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": text}],
    }


class Recorder:
    def __init__(self, *responses: httpx.Response | Handler) -> None:
        self.responses = list(responses)
        self.requests: list[httpx.Request] = []
        self.bodies: list[bytes] = []

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.bodies.append(await request.aread())
        self.requests.append(request)
        item = self.responses.pop(0)
        return item(request) if callable(item) else item


def make_client(recorder: Recorder, **kwargs: Any) -> tuple[FhirClient, list[float]]:
    sleeps: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    client = FhirClient(BASE, transport=httpx.MockTransport(recorder), sleep=fake_sleep, **kwargs)
    return client, sleeps


def js(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json=body, headers={**FHIR, **(headers or {})})


async def test_read_returns_resource_and_opaque_etag() -> None:
    rec = Recorder(js(200, patient(), {"ETag": 'W/"1"'}))
    client, _ = make_client(rec)
    async with client:
        result = await client.read("Patient", "p1")
    assert result.resource is not None and result.resource["id"] == "p1"
    assert result.etag == 'W/"1"'
    assert str(rec.requests[0].url) == f"{BASE}/Patient/p1"
    assert rec.requests[0].headers["Accept"] == "application/fhir+json"


async def test_decimal_precision_survives_round_trip() -> None:
    body = b'{"resourceType":"Observation","id":"o","status":"final","code":{"text":"t"},"valueQuantity":{"value":36.60}}'
    rec = Recorder(httpx.Response(200, content=body, headers=FHIR))
    rec.responses.append(lambda req: httpx.Response(200, content=req.content, headers=FHIR))
    client, _ = make_client(rec)
    async with client:
        obs = (await client.read("Observation", "o")).resource
        assert obs is not None
        assert obs["valueQuantity"]["value"] == Decimal("36.60")
        await client.update(obs)
    assert b'"value":36.60' in rec.bodies[1]


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (404, NotFound),
        (410, Gone),
        (412, PreconditionFailed),
        (400, ClientError),
        (500, ServerError),
    ],
)
async def test_status_errors_carry_outcome_issues(
    status: int, error: type[HttpStatusError]
) -> None:
    rec = Recorder(js(status, outcome("nope", "not-found")))
    client, _ = make_client(rec)
    async with client:
        with pytest.raises(error) as info:
            await client.read("Patient", "x")
    exc = info.value
    assert exc.status == status
    assert exc.issues[0].diagnostics == "nope"
    assert len(rec.requests) == 1  # 500 is not retried, 4xx never


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"<html><body>Bad gateway</body></html>", "text/html"),
        (b'{"resourceType":"Patient","id":"p1","name":[{"fam', "application/fhir+json"),
        (json.dumps(outcome("x")).encode(), "application/fhir+json"),
        (b'{"resourceType":"Patient","id":"p1","birthDate":"not-a-date"}', "application/fhir+json"),
        (b"[]", "application/json"),
    ],
    ids=["html", "truncated", "wrong-type", "invalid-model", "not-object"],
)
async def test_malformed_bodies(body: bytes, content_type: str) -> None:
    rec = Recorder(httpx.Response(200, content=body, headers={"Content-Type": content_type}))
    client, _ = make_client(rec)
    async with client:
        with pytest.raises(MalformedResponse):
            await client.read("Patient", "p1")


async def test_get_retries_503_then_succeeds() -> None:
    rec = Recorder(js(503, outcome("busy")), js(200, patient()))
    client, sleeps = make_client(rec, backoff_s=0.5)
    async with client:
        await client.read("Patient", "p1")
    assert len(rec.requests) == 2 and sleeps == [0.5]


async def test_plain_post_is_not_retried_after_503() -> None:
    rec = Recorder(js(503, outcome("busy")))
    client, _ = make_client(rec)
    async with client:
        with pytest.raises(ServerError):
            await client.create({"resourceType": "Patient"})
    assert len(rec.requests) == 1


async def test_conditional_create_is_retried_and_uses_header() -> None:
    rec = Recorder(
        js(502, outcome("gw")), js(201, patient(), {"Location": f"{BASE}/Patient/p1/_history/1"})
    )
    client, _ = make_client(rec)
    async with client:
        result = await client.create(
            {"resourceType": "Patient"},
            if_none_exist={"identifier": "http://hl7.it/sid/codiceFiscale|RSSMRA80A01H501U"},
        )
    assert result.created and result.resource_id == "p1"
    sent = rec.requests[-1]
    assert sent.url.query == b""  # the search never goes in the URL
    assert (
        sent.headers["If-None-Exist"]
        == "identifier=http://hl7.it/sid/codiceFiscale|RSSMRA80A01H501U"
    )
    assert rec.bodies[0] == rec.bodies[1]


async def test_429_honours_retry_after_within_bound() -> None:
    rec = Recorder(js(429, outcome("slow"), {"Retry-After": "2"}), js(200, patient()))
    client, sleeps = make_client(rec, max_retry_wait_s=5)
    async with client:
        await client.read("Patient", "p1")
    assert sleeps == [2.0]


async def test_429_beyond_bound_raises_rate_limited() -> None:
    rec = Recorder(js(429, outcome("slow"), {"Retry-After": "120"}))
    client, sleeps = make_client(rec, max_retry_wait_s=5)
    async with client:
        with pytest.raises(RateLimited) as info:
            await client.read("Patient", "p1")
    assert info.value.retry_after_s == 120.0 and sleeps == []


async def test_401_refreshes_token_once_then_raises() -> None:
    calls: list[bool] = []

    async def tokens(*, force_refresh: bool) -> str:
        calls.append(force_refresh)
        return "fresh" if force_refresh else "stale"

    rec = Recorder(js(401, outcome("expired")), js(401, outcome("still")))
    client, _ = make_client(rec, token_provider=tokens)
    async with client:
        with pytest.raises(Unauthorized):
            await client.read("Patient", "p1")
    assert calls == [False, True]
    assert [r.headers["Authorization"] for r in rec.requests] == ["Bearer stale", "Bearer fresh"]


async def test_401_then_success_after_refresh() -> None:
    async def tokens(*, force_refresh: bool) -> str:
        return "fresh" if force_refresh else "stale"

    rec = Recorder(js(401, outcome("expired")), js(200, patient()))
    client, _ = make_client(rec, token_provider=tokens)
    async with client:
        assert (await client.read("Patient", "p1")).resource is not None


async def test_update_sends_if_match_verbatim() -> None:
    rec = Recorder(js(200, patient(version="2"), {"ETag": 'W/"2"'}))
    client, _ = make_client(rec)
    async with client:
        await client.update(patient(), if_match='W/"opaque-1"')
    assert rec.requests[0].method == "PUT"
    assert rec.requests[0].headers["If-Match"] == 'W/"opaque-1"'


async def test_read_modify_write_refetches_after_412() -> None:
    rec = Recorder(
        js(200, patient(version="1"), {"ETag": 'W/"1"'}),
        js(412, outcome("version")),
        js(200, patient(version="2"), {"ETag": 'W/"2"'}),
        js(200, patient(version="3"), {"ETag": 'W/"3"'}),
    )
    client, _ = make_client(rec)
    applied: list[str] = []

    def apply(res: dict[str, Any]) -> dict[str, Any]:
        applied.append(res["meta"]["versionId"])
        return {**res, "active": True}

    async with client:
        result = await client.read_modify_write("Patient", "p1", apply)
    assert result.etag == 'W/"3"'
    assert applied == ["1", "2"]
    assert [r.headers.get("If-Match") for r in rec.requests if r.method == "PUT"] == [
        'W/"1"',
        'W/"2"',
    ]


def searchset(
    entries: list[dict[str, Any]], next_url: str | None, total: int | None = None
) -> dict[str, Any]:
    bundle: dict[str, Any] = {"resourceType": "Bundle", "type": "searchset", "entry": entries}
    if total is not None:
        bundle["total"] = total
    if next_url:
        bundle["link"] = [{"relation": "next", "url": next_url}]
    return bundle


async def test_search_follows_next_and_splits_included() -> None:
    appt = {
        "resourceType": "Appointment",
        "id": "a1",
        "status": "booked",
        "participant": [{"actor": {"reference": "Patient/p1"}, "status": "accepted"}],
    }
    page1 = searchset(
        [
            {"resource": appt, "search": {"mode": "match"}},
            {"resource": patient(), "search": {"mode": "include"}},
        ],
        f"{BASE}/Appointment?_page=2",
        total=2,
    )
    page2 = searchset(
        [
            {"resource": {**appt, "id": "a2"}, "search": {"mode": "match"}},
            {"resource": patient(), "search": {"mode": "include"}},
        ],
        None,
    )
    rec = Recorder(js(200, page1), js(200, page2))
    client, _ = make_client(rec)
    async with client:
        result = await client.search(
            "Appointment", {"date": "2026-01-01"}, include=["Appointment:patient"]
        )
    assert [r["id"] for r in result.matches] == ["a1", "a2"]
    assert [r["id"] for r in result.included] == ["p1"]
    assert result.total == 2 and result.pages == 2
    assert rec.requests[0].url.params.get_list("_include") == ["Appointment:patient"]
    assert str(rec.requests[1].url) == f"{BASE}/Appointment?_page=2"


async def test_paging_link_to_other_origin_is_refused() -> None:
    rec = Recorder(js(200, searchset([], "https://evil.test/fhir/Patient?page=2")))
    client, _ = make_client(rec)
    async with client:
        with pytest.raises(MalformedResponse):
            await client.search("Patient")


async def test_pull_updates_returns_new_watermark() -> None:
    page = searchset(
        [
            {
                "resource": patient("a", updated="2026-01-01T10:00:00.100Z"),
                "search": {"mode": "match"},
            },
            {
                "resource": patient("b", updated="2026-01-01T11:00:00.200+01:00"),
                "search": {"mode": "match"},
            },
        ],
        None,
    )
    rec = Recorder(js(200, page), js(200, searchset([], None)))
    client, _ = make_client(rec)
    async with client:
        first = await client.pull_updates("Patient", watermark="2026-01-01T09:00:00Z")
        assert first.watermark == "2026-01-01T11:00:00.200+01:00"  # = 10:00:00.200Z, the latest
        second = await client.pull_updates("Patient", watermark=first.watermark)
    assert second.resources == [] and second.watermark == first.watermark
    params = rec.requests[0].url.params
    assert params["_lastUpdated"] == "gt2026-01-01T09:00:00Z"
    assert params["_sort"] == "_lastUpdated"


def tx_bundle(n: int = 2, method: str = "POST") -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": f"urn:uuid:00000000-0000-4000-8000-00000000000{i}",
                "resource": {"resourceType": "Patient"},
                "request": {"method": method, "url": "Patient"},
            }
            for i in range(n)
        ],
    }


def tx_response(statuses: list[str]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "transaction-response",
        "entry": [
            {"response": {"status": s, "location": f"Patient/{i}/_history/1", "etag": 'W/"1"'}}
            for i, s in enumerate(statuses)
        ],
    }


async def test_transaction_results_in_order() -> None:
    rec = Recorder(js(200, tx_response(["201 Created", "201"])))
    client, _ = make_client(rec)
    async with client:
        result = await client.transaction(tx_bundle())
    assert [e.status for e in result.entries] == [201, 201]
    assert [e.resource_id for e in result.entries] == ["0", "1"]
    assert str(rec.requests[0].url) == f"{BASE}/"


async def test_transaction_short_response_is_malformed_not_partial() -> None:
    rec = Recorder(js(200, tx_response(["201 Created"])))
    client, _ = make_client(rec)
    async with client:
        with pytest.raises(MalformedResponse):
            await client.transaction(tx_bundle())


async def test_transaction_with_plain_posts_not_retried_on_reset() -> None:
    def reset(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("peer closed", request=request)

    rec = Recorder(reset)
    client, _ = make_client(rec)
    async with client:
        with pytest.raises(ConnectionFailed) as info:
            await client.transaction(tx_bundle())
    assert info.value.request_sent and len(rec.requests) == 1


async def test_idempotent_transaction_retried_on_reset() -> None:
    def reset(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadError("reset", request=request)

    rec = Recorder(reset, js(200, tx_response(["200 OK", "200 OK"])))
    client, _ = make_client(rec)
    async with client:
        result = await client.transaction(tx_bundle(method="PUT"))
    assert len(result.entries) == 2 and len(rec.requests) == 2


async def test_timeout_and_connect_errors_are_typed() -> None:
    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    rec = Recorder(timeout, timeout, timeout, refused, refused, refused)
    client, _ = make_client(rec)
    async with client:
        with pytest.raises(Timeout):
            await client.read("Patient", "p1")
        with pytest.raises(ConnectionFailed) as info:
            await client.create({"resourceType": "Patient"})
    assert not info.value.request_sent
    assert len(rec.requests) == 6  # refused connections are safe to retry even for POST


async def test_put_binary_streams_file(tmp_path: Path) -> None:
    data = bytes(range(256)) * 1000
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    rec = Recorder(
        httpx.Response(201, headers={"ETag": 'W/"1"', "Location": "Binary/b1/_history/1"})
    )
    client, _ = make_client(rec)
    async with client:
        result = await client.put_binary("b1", path, content_type="application/pdf")
    assert result.created and result.resource is None and result.resource_id == "b1"
    assert rec.bodies[0] == data
    assert rec.requests[0].headers["Content-Type"] == "application/pdf"
    assert rec.requests[0].headers["Content-Length"] == str(len(data))


async def test_put_binary_async_iterator_single_attempt() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(3):
            yield b"x" * 10

    rec = Recorder(js(503, outcome("busy")))
    client, _ = make_client(rec)
    async with client:
        with pytest.raises(ServerError):
            await client.put_binary("b1", chunks(), content_type="application/pdf")
    assert rec.bodies == [b"x" * 30]


def test_tls_verification_cannot_be_disabled() -> None:
    with pytest.raises(TypeError):
        FhirClient(BASE, verify=False)  # type: ignore[call-arg]


async def test_retry_after_http_date_is_understood() -> None:
    rec = Recorder(
        js(429, outcome("slow"), {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}),
        js(200, patient()),
    )
    client, sleeps = make_client(rec)
    async with client:
        await client.read("Patient", "p1")
    assert sleeps == [0.0]  # a date in the past: retry at once


async def test_conditional_create_with_several_matches_is_precondition_failed() -> None:
    rec = Recorder(js(412, outcome("multiple matches")))
    client, _ = make_client(rec)
    async with client:
        with pytest.raises(PreconditionFailed) as info:
            await client.create({"resourceType": "Patient"}, if_none_exist="identifier=s|v")
    assert info.value.issues[0].diagnostics == "multiple matches"
    assert len(rec.requests) == 1


async def test_batch_reports_each_entry() -> None:
    response = {
        "resourceType": "Bundle",
        "type": "batch-response",
        "entry": [
            {"response": {"status": "201 Created", "location": "Patient/a/_history/1"}},
            {"response": {"status": "404 Not Found", "outcome": outcome("missing", "not-found")}},
        ],
    }
    bundle = {**tx_bundle(), "type": "batch"}
    rec = Recorder(js(200, response))
    client, _ = make_client(rec)
    async with client:
        result = await client.batch(bundle)
    assert [(e.ok, e.status) for e in result.entries] == [(True, 201), (False, 404)]
    assert result.entries[1].issues[0].code == "not-found"
