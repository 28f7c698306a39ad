"""SyncWorker decisions with a scripted fake client over a real vault: back-off with jitter,
what becomes a dead letter (and with which reason), offline never dead-letters, steps already
done are never repeated, connection events."""

from __future__ import annotations

import random
from typing import Any

import pytest

from app.backend.client import BundleResult
from app.backend.errors import (
    ClientError,
    ConnectionFailed,
    OutcomeIssue,
    PreconditionFailed,
    RateLimited,
    ServerError,
    Unauthorized,
)
from app.domain.outbox import ResourceUpdate, apply_merge_patch
from app.events import BackendConnectionDidChange, ConnectionState, Event
from app.services.sync import RetryPolicy, SyncWorker
from offline_cache.vault import Vault
from tests.unit.offline_cache.units import measurement_unit

POLICY = RetryPolicy(
    base_delay_s=1.0, max_delay_s=100.0, offline_max_delay_s=10.0, max_server_attempts=3
)


class FakeClient:
    """Answers each call with the next scripted outcome (an exception, or success)."""

    def __init__(
        self, *, transaction: list[Exception | None], updates: list[Exception | None] = ()
    ) -> None:  # type: ignore[assignment]
        self.transaction_script = list(transaction)
        self.update_script = list(updates)
        self.transactions = 0
        self.updates: list[dict[str, Any]] = []

    async def transaction(self, bundle: dict[str, Any]) -> BundleResult:
        self.transactions += 1
        outcome = self.transaction_script.pop(0) if self.transaction_script else None
        if outcome is not None:
            raise outcome
        return BundleResult((), {"resourceType": "Bundle", "type": "transaction-response"})

    async def read_modify_write(
        self, resource_type: str, resource_id: str, apply: Any, *, attempts: int
    ) -> None:
        outcome = self.update_script.pop(0) if self.update_script else None
        if outcome is not None:
            raise outcome
        self.updates.append(
            apply(
                {
                    "resourceType": resource_type,
                    "id": resource_id,
                    "status": "booked",
                    "x": {"a": 1},
                }
            )
        )

    async def aclose(self) -> None:
        self.closed = True

    async def put_binary(self, *args: Any, **kwargs: Any) -> None:
        raise AssertionError("no attachments in these tests")


@pytest.fixture
def clock(vault: Vault) -> list[float]:
    now = [10_000.0]
    vault.outbox._clock = lambda: now[0]
    return now


def _worker(vault: Vault, client: FakeClient, events: list[Event] | None = None) -> SyncWorker:
    return SyncWorker(
        outbox=vault.outbox,
        client=client,  # type: ignore[arg-type]
        publish=events.append if events is not None else None,
        policy=POLICY,
        rng=random.Random(1),
    )


async def _only(vault: Vault) -> Any:
    (unit,) = await vault.outbox.units()
    return unit


async def test_server_errors_back_off_with_jitter_then_dead_letter(
    vault: Vault, clock: list[float]
) -> None:
    await vault.outbox.enqueue(measurement_unit())
    client = FakeClient(transaction=[ServerError("x", status=503)] * 3)
    worker = _worker(vault, client)
    delays = []
    for attempt in (1, 2):
        report = await worker.drain()
        assert report.retried == 1
        unit = await _only(vault)
        delay = unit.next_attempt_at_utc.timestamp() - clock[0]
        ceiling = POLICY.base_delay_s * 2**attempt
        assert ceiling * 0.5 <= delay <= ceiling  # exponential, jittered
        delays.append(delay)
        assert await worker.drain() == type(report)(0, 0, 0, 1, 0)  # not due yet: nothing sent
        clock[0] += delay + 0.001
    report = await worker.drain()
    assert report.dead_lettered == 1
    unit = await _only(vault)
    assert (unit.state, unit.last_status) == ("dead", 503)
    assert unit.last_error == "HTTP 503 (after 3 attempts)"
    assert client.transactions == 3


async def test_offline_is_retried_forever_at_a_capped_interval(
    vault: Vault, clock: list[float]
) -> None:
    await vault.outbox.enqueue(measurement_unit())
    events: list[Event] = []
    client = FakeClient(transaction=[ConnectionFailed("down", request_sent=False)] * 12)
    worker = _worker(vault, client, events)
    for _ in range(12):
        await worker.drain()
        unit = await _only(vault)
        assert unit.state == "pending"
        delay = unit.next_attempt_at_utc.timestamp() - clock[0]
        assert delay <= POLICY.offline_max_delay_s
        clock[0] += delay + 0.001
    assert (await _only(vault)).attempts == 12
    assert (await worker.drain()).sent == 1
    states = [e.state for e in events if isinstance(e, BackendConnectionDidChange)]
    assert states == [ConnectionState.OFFLINE, ConnectionState.ONLINE]


async def test_refusal_is_a_dead_letter_with_the_servers_words(
    vault: Vault, clock: list[float]
) -> None:
    await vault.outbox.enqueue(measurement_unit())
    issue = OutcomeIssue(
        "error", "invariant", "codice fiscale non valido", expression=("Patient.identifier[0]",)
    )
    client = FakeClient(transaction=[ClientError("x", status=422, issues=(issue,))])
    report = await _worker(vault, client).drain()
    assert report.dead_lettered == 1
    unit = await _only(vault)
    assert unit.last_error == "HTTP 422: codice fiscale non valido (Patient.identifier[0])"
    assert unit.last_status == 422


async def test_429_waits_at_least_retry_after(vault: Vault, clock: list[float]) -> None:
    await vault.outbox.enqueue(measurement_unit())
    client = FakeClient(transaction=[RateLimited("busy", status=429, retry_after_s=45.0)])
    await _worker(vault, client).drain()
    unit = await _only(vault)
    assert unit.state == "pending"
    assert unit.next_attempt_at_utc.timestamp() - clock[0] >= 45.0


async def test_expired_sign_in_never_dead_letters(vault: Vault, clock: list[float]) -> None:
    await vault.outbox.enqueue(measurement_unit())
    client = FakeClient(transaction=[Unauthorized("x", status=401)] * 5)
    worker = _worker(vault, client)
    for _ in range(5):
        await worker.drain()
        unit = await _only(vault)
        clock[0] += 1_000
    assert unit.state == "pending" and unit.last_error == "sign in again to send this item"


async def test_sent_bundle_is_not_resent_when_an_update_fails(
    vault: Vault, clock: list[float]
) -> None:
    update = ResourceUpdate("Appointment", "ap-1", {"status": "fulfilled", "x": {"b": 2}})
    await vault.outbox.enqueue(measurement_unit(updates=(update,)))
    client = FakeClient(
        transaction=[],
        updates=[PreconditionFailed("race", status=412), ServerError("x", status=502)],
    )
    worker = _worker(vault, client)
    first = await worker.drain()
    assert first.retried == 1 and client.transactions == 1
    unit = await _only(vault)
    assert unit.state == "pending" and unit.last_status == 412  # a lost race is retried
    clock[0] += 1_000
    await worker.drain()
    clock[0] += 1_000
    assert (await worker.drain()).sent == 1
    assert client.transactions == 1  # the Bundle went once; only the update was retried
    assert client.updates == [
        {"resourceType": "Appointment", "id": "ap-1", "status": "fulfilled", "x": {"a": 1, "b": 2}}
    ]


async def test_ambiguous_conditional_create_is_a_dead_letter(
    vault: Vault, clock: list[float]
) -> None:
    await vault.outbox.enqueue(measurement_unit())
    client = FakeClient(transaction=[PreconditionFailed("several matches", status=412)])
    assert (await _worker(vault, client).drain()).dead_lettered == 1


def test_merge_patch_is_rfc7386_and_idempotent() -> None:
    target = {"a": "b", "c": {"d": "e", "f": "g"}, "keep": [1, 2]}
    patch = {"a": "z", "c": {"f": None, "h": 1}, "new": {"x": None}}
    once = apply_merge_patch(target, patch)
    assert once == {"a": "z", "c": {"d": "e", "h": 1}, "keep": [1, 2], "new": {}}
    assert apply_merge_patch(once, patch) == once
    assert target["c"] == {"d": "e", "f": "g"}  # input untouched
    assert apply_merge_patch({"a": 1}, ["list"]) == ["list"]
