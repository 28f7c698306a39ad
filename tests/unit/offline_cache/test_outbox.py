"""Outbox state machine on a real SQLCipher file: persistence, ordering, retry, dead letters."""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

import pytest

from app.domain.outbox import BinaryAttachment, InvalidUnit, OutboxUnit, ResourceUpdate, UnitKind
from offline_cache.errors import UnknownUnit
from offline_cache.outbox import CHUNK_BYTES
from offline_cache.vault import Vault
from tests.unit.offline_cache.conftest import open_test_vault
from tests.unit.offline_cache.units import measurement_bundle, measurement_unit


async def test_enqueue_is_durable_and_idempotent(tmp_path: Path) -> None:
    key = os.urandom(32)
    path = tmp_path / "v.vault"
    vault = await open_test_vault(path, key)
    unit = measurement_unit()
    await vault.outbox.enqueue(unit)
    await vault.outbox.enqueue(unit)  # same unit_id: no second row
    await vault.close()
    reopened = await open_test_vault(path, key)
    try:
        ready = await reopened.outbox.ready(limit=10)
        assert [u.unit_id for u in ready] == [str(unit.unit_id)]
        assert ready[0].bundle_json == unit.bundle_json
        counts = await reopened.outbox.counts()
        assert (counts.pending, counts.dead, counts.done) == (1, 0, 0)
    finally:
        await reopened.close()


async def test_one_unit_per_patient_in_enqueue_order(vault: Vault) -> None:
    a1 = measurement_unit(patient_cf="RSSMRA80A01H501U")
    b1 = measurement_unit(patient_cf="RSSMRA85T10A562S")
    a2 = measurement_unit(patient_cf="RSSMRA80A01H501U")
    for unit in (a1, b1, a2):
        await vault.outbox.enqueue(unit)
    ready = await vault.outbox.ready(limit=10)
    assert [u.unit_id for u in ready] == [str(a1.unit_id), str(b1.unit_id)]
    # a1 in flight: a2 stays behind it, b1 is offered.
    ready = await vault.outbox.ready(limit=10, exclude={str(a1.unit_id)})
    assert [u.unit_id for u in ready] == [str(b1.unit_id)]
    await vault.outbox.mark_bundle_done(str(a1.unit_id), response_json=b"{}")
    ready = await vault.outbox.ready(limit=10)
    assert [u.unit_id for u in ready] == [str(b1.unit_id), str(a2.unit_id)]


async def test_backoff_holds_later_units_of_the_patient(vault: Vault) -> None:
    clock = [1000.0]
    vault.outbox._clock = lambda: clock[0]
    first, second = measurement_unit(), measurement_unit()
    await vault.outbox.enqueue(first)
    await vault.outbox.enqueue(second)
    await vault.outbox.record_failure(
        str(first.unit_id), reason="HTTP 503", status=503, retry_in_s=30
    )
    assert await vault.outbox.ready(limit=10) == []
    # The second is due but held behind the first: the sender sleeps until the first is due.
    assert await vault.outbox.next_due_in_s() == pytest.approx(30.0)
    clock[0] += 31
    ready = await vault.outbox.ready(limit=10)
    assert [u.unit_id for u in ready] == [str(first.unit_id)]
    assert ready[0].attempts == 1


async def test_dead_letter_keeps_reason_and_can_be_retried(vault: Vault) -> None:
    first, second = measurement_unit(), measurement_unit()
    await vault.outbox.enqueue(first)
    await vault.outbox.enqueue(second)
    reason = "Observation.valueQuantity: value is required"
    await vault.outbox.record_failure(
        str(first.unit_id), reason=reason, status=422, retry_in_s=None
    )
    dead = await vault.outbox.units(state="dead")
    assert [(d.unit_id, d.last_error, d.last_status) for d in dead] == [
        (str(first.unit_id), reason, 422)
    ]
    # A dead letter does not hold back the next unit of the same patient.
    assert [u.unit_id for u in await vault.outbox.ready(limit=10)] == [str(second.unit_id)]
    counts = await vault.outbox.counts()
    assert (counts.pending, counts.dead) == (1, 1)
    await vault.outbox.retry(str(first.unit_id))
    ready = await vault.outbox.ready(limit=10)
    assert [u.unit_id for u in ready] == [str(first.unit_id)]
    assert ready[0].attempts == 0
    with pytest.raises(UnknownUnit):
        await vault.outbox.retry(str(uuid.uuid4()))


async def test_done_only_after_bundle_and_every_update(vault: Vault) -> None:
    unit = measurement_unit(
        updates=(
            ResourceUpdate("Appointment", "a1", {"status": "fulfilled"}, if_match='W/"1"'),
            ResourceUpdate("Task", "t1", {"status": "completed"}),
        )
    )
    await vault.outbox.enqueue(unit)
    uid = str(unit.unit_id)
    await vault.outbox.mark_bundle_done(uid, response_json=b'{"resourceType":"Bundle"}')
    ready = await vault.outbox.ready(limit=1)
    assert ready[0].bundle_done and ready[0].updates_done == 0
    assert ready[0].updates == unit.updates
    await vault.outbox.mark_update_done(uid, 0)
    assert (await vault.outbox.counts()).done == 0
    await vault.outbox.mark_update_done(uid, 1)
    counts = await vault.outbox.counts()
    assert (counts.pending, counts.done) == (0, 1)
    assert counts.last_success_utc is not None
    assert await vault.outbox.response_json(uid) == b'{"resourceType":"Bundle"}'


async def test_attachment_from_file_is_chunked_and_streamed_back(
    vault: Vault, tmp_path: Path
) -> None:
    content = os.urandom(3 * CHUNK_BYTES + 123)
    source = tmp_path / "report.pdf"
    source.write_bytes(content)
    unit = measurement_unit(
        attachments=(
            BinaryAttachment("report-1", "application/pdf", source_path=source),
            BinaryAttachment("small-1", "text/plain", data=b"hello"),
        )
    )
    await vault.outbox.enqueue(unit)
    source.unlink()  # the caller may delete its file once enqueue returned
    (ready,) = await vault.outbox.ready(limit=1)
    big, small = ready.attachments
    assert (big.client_id, big.size_bytes, big.sent) == ("report-1", len(content), False)
    assert big.sha256 == hashlib.sha256(content).hexdigest()
    chunks = [c async for c in vault.outbox.attachment_chunks(str(unit.unit_id), "report-1")]
    assert [len(c) for c in chunks] == [CHUNK_BYTES] * 3 + [123]
    assert b"".join(chunks) == content
    assert small.size_bytes == 5
    await vault.outbox.mark_attachment_sent(str(unit.unit_id), "report-1")
    (ready,) = await vault.outbox.ready(limit=1)
    assert [a.sent for a in ready.attachments] == [True, False]


async def test_unreadable_attachment_file_stores_nothing(vault: Vault, tmp_path: Path) -> None:
    unit = measurement_unit(
        attachments=(
            BinaryAttachment("x", "application/pdf", source_path=tmp_path / "missing.pdf"),
        )
    )
    with pytest.raises(FileNotFoundError):
        await vault.outbox.enqueue(unit)
    assert (await vault.outbox.counts()).pending == 0


def test_unit_rejects_bundles_that_cannot_be_resent_safely() -> None:
    good = measurement_bundle(identifier="x", patient_cf="RSSMRA80A01H501U")
    unsafe = good.replace(b'"ifNoneExist"', b'"ifNoneExistX"')
    with pytest.raises(InvalidUnit, match="ifNoneExist"):
        OutboxUnit(uuid.uuid4(), UnitKind.MEASUREMENT, None, unsafe)
    with pytest.raises(InvalidUnit, match="transaction"):
        OutboxUnit(uuid.uuid4(), UnitKind.MEASUREMENT, None, good.replace(b"transaction", b"batch"))
    with pytest.raises(InvalidUnit, match="not JSON"):
        OutboxUnit(uuid.uuid4(), UnitKind.MEASUREMENT, None, b"{")
    with pytest.raises(InvalidUnit, match="exactly one"):
        BinaryAttachment("a", "application/pdf")
    with pytest.raises(InvalidUnit, match="merge patch"):
        ResourceUpdate("Appointment", "1", {"id": "2"})
    decimal_kept = OutboxUnit(
        uuid.uuid4(), UnitKind.MEASUREMENT, None, good.replace(b"120", b"36.60")
    )
    value = decimal_kept.bundle()["entry"][1]["resource"]["valueQuantity"]["value"]
    assert str(value) == "36.60"


async def test_ready_window_is_exact_for_long_single_patient_queues(vault: Vault) -> None:
    from offline_cache.outbox import READY_WINDOW

    units = [measurement_unit(patient_cf="RSSMRA80A01H501U") for _ in range(READY_WINDOW + 20)]
    other = measurement_unit(patient_cf="RSSMRA85T10A562S")
    for unit in (*units, other):
        await vault.outbox.enqueue(unit)
    # Only the head of the long queue; the other patient is beyond the window (it comes later).
    assert [u.unit_id for u in await vault.outbox.ready(limit=4)] == [str(units[0].unit_id)]
    for unit in units[: READY_WINDOW - 1]:
        await vault.outbox.mark_bundle_done(str(unit.unit_id), response_json=b"{}")
    # Now the window reaches the other patient: both heads, still one per patient.
    ready = await vault.outbox.ready(limit=4)
    assert [u.unit_id for u in ready] == [str(units[READY_WINDOW - 1].unit_id), str(other.unit_id)]
