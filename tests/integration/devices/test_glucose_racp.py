"""Glucose meter with stored records: pairing by passkey, RACP download of 500 records,
incremental download since the last sequence, resume after a link drop without duplicates,
garbage in the middle of a transfer."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from devices.glucose.driver import GlucoseDriver
from devices.glucose.parser import GlucoseMeasurement
from devices.glucose.racp import RacpOpCode, RacpOperator, RacpResponseCode
from devices.lab import GlucoseMeter, VirtualRadio
from devices.prompter import FixedPrompter
from devices.session import BondState, DeviceSession
from devices.transport import BleTransport

pytestmark = [pytest.mark.bumble, pytest.mark.integration]


async def _session(
    radio: VirtualRadio, transport: BleTransport, records: int
) -> tuple[GlucoseMeter, DeviceSession]:
    meter = await GlucoseMeter(radio).start()
    meter.add_records(Decimal(70 + i % 130) for i in range(records))
    adv = await transport.find(service_uuids=["1808"], timeout_s=2)
    assert adv.descriptor is not None and adv.descriptor.model_id == "roche-accu-chek"
    session = DeviceSession(transport, adv, prompter=FixedPrompter(passkey=123456))
    await session.open()  # the model needs a bond before indications: pairs up front
    return meter, session


def _sequences(download_readings: tuple[object, ...]) -> list[int]:
    out = []
    for r in download_readings:
        value = getattr(r, "value", None)
        assert isinstance(value, GlucoseMeasurement)
        out.append(value.sequence_number)
    return out


async def test_download_of_500_stored_records(radio: VirtualRadio, transport: BleTransport) -> None:
    meter, session = await _session(radio, transport, 500)
    try:
        driver = GlucoseDriver(session)
        assert await driver.count_records() == 500
        download = await driver.download()
    finally:
        await session.close()
    assert download.complete and download.response is RacpResponseCode.SUCCESS
    assert _sequences(download.readings) == list(range(1, 501))
    first = download.readings[0]
    assert first.bond_state is BondState.BONDED
    assert isinstance(first.value, GlucoseMeasurement)
    assert first.value.concentration == Decimal("70E-5")  # 70 mg/dL in kg/L, digits kept
    assert first.measured_at_utc is not None
    assert download.readings[1].measured_at_utc - first.measured_at_utc == meter_interval(meter)


def meter_interval(meter: GlucoseMeter) -> object:
    a, b = meter.records[0].base_time, meter.records[1].base_time
    from datetime import UTC

    da, db = a.to_datetime(UTC), b.to_datetime(UTC)
    assert da is not None and db is not None
    return db - da


async def test_incremental_download_since_last_sequence(
    radio: VirtualRadio, transport: BleTransport
) -> None:
    meter, session = await _session(radio, transport, 20)
    try:
        driver = GlucoseDriver(session)
        first = await driver.download()
        meter.add_records([Decimal(150), Decimal(155), Decimal(160)])
        assert await driver.count_records(after_sequence=first.last_sequence) == 3
        second = await driver.download(after_sequence=first.last_sequence)
        nothing = await driver.download(after_sequence=second.last_sequence)
    finally:
        await session.close()
    assert _sequences(second.readings) == [21, 22, 23]
    request = meter.requests[-2]
    assert (request.opcode, request.operator, request.values) == (
        RacpOpCode.REPORT_STORED_RECORDS,
        RacpOperator.GREATER_THAN_OR_EQUAL,
        (21,),
    )
    assert nothing.readings == () and nothing.complete
    assert nothing.response is RacpResponseCode.NO_RECORDS_FOUND


async def test_link_drop_mid_download_resumes_without_duplicates(
    radio: VirtualRadio, transport: BleTransport
) -> None:
    meter, session = await _session(radio, transport, 300)
    meter.drop_link_after = 137
    try:
        download = await GlucoseDriver(session).download()
    finally:
        await session.close()
    assert download.complete and download.reconnects == 1
    assert _sequences(download.readings) == list(range(1, 301))
    resumed = meter.requests[-1]
    # Notifications still in flight when the link dropped are lost (as over the air), so the
    # resume point is the last record that actually arrived + 1, at most 138.
    assert resumed.operator is RacpOperator.GREATER_THAN_OR_EQUAL
    assert 1 < int(resumed.values[0]) <= 138
    assert all(r.bond_state is BondState.BONDED for r in download.readings)


async def test_garbage_records_are_rejected_and_the_download_completes(
    radio: VirtualRadio, transport: BleTransport
) -> None:
    meter, session = await _session(radio, transport, 5)
    try:
        driver = GlucoseDriver(session)
        await driver.start()
        await meter.inject(0x2A18, b"\xff" * 3)
        await meter.inject(0x2A18, b"\x10\x01\x00")
        download = await driver.download()
    finally:
        await session.close()
    assert download.complete
    assert _sequences(download.readings) == [1, 2, 3, 4, 5]
    assert len(download.rejected) == 2
    assert {r.error.characteristic for r in download.rejected} == {"2a18"}


async def test_drop_with_no_way_back_returns_what_arrived(
    radio: VirtualRadio, transport: BleTransport
) -> None:
    meter, session = await _session(radio, transport, 50)
    meter.drop_link_after = 20
    transport.policy = dataclasses.replace(transport.policy, connect_timeout_s=0.3)
    try:
        await meter.stop_advertising()
        download = await GlucoseDriver(session).download(max_reconnects=1)
    finally:
        await session.close()
    assert not download.complete
    received = _sequences(download.readings)
    assert received == list(range(1, len(received) + 1)) and len(received) <= 20


async def test_meal_context_travels_with_its_record(
    radio: VirtualRadio, transport: BleTransport
) -> None:
    meter, session = await _session(radio, transport, 2)
    meter.add_records([Decimal(180)], meal=2)  # postprandial
    try:
        download = await GlucoseDriver(session).download()
    finally:
        await session.close()
    assert _sequences(download.readings) == [1, 2, 3]
    assert set(download.contexts) == {3}
    assert download.contexts[3].meal == 2


async def test_meter_without_sequence_filter_still_gives_only_new_records(
    radio: VirtualRadio, transport: BleTransport
) -> None:
    meter, session = await _session(radio, transport, 4)
    meter.supports_filters = False  # implements only "report all"
    try:
        driver = GlucoseDriver(session)
        first = await driver.download()
        meter.add_records([Decimal(150), Decimal(155)])
        second = await driver.download(after_sequence=first.last_sequence)
    finally:
        await session.close()
    assert _sequences(first.readings) == [1, 2, 3, 4]
    assert _sequences(second.readings) == [5, 6] and second.complete
    assert not driver.sequence_filter_supported
    refused, retried = meter.requests[-2], meter.requests[-1]
    assert refused.operator is RacpOperator.GREATER_THAN_OR_EQUAL
    assert retried.operator is RacpOperator.ALL_RECORDS
