"""A point-of-care reading from a bumble blood-pressure monitor shows at once in the
telemonitoring trend of a monitored patient of the real regional_sim, raises its alert, and the
alert's Flag is queued in the real SQLCipher outbox after the measurement."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path

import pytest

from app.backend.client import FhirClient
from app.domain.telemonitoring import Parameter, Provenance, Severity
from app.services.devices import DeviceService, PatientChoice
from app.services.telemonitoring import FhirTelemonitoringSource
from devices.lab import BloodPressureMonitor, VirtualRadio
from devices.prompter import FixedPrompter
from devices.transport import BleTransport
from offline_cache.outbox import Outbox
from tests.integration.demo_sim import sim as sim  # one demo regional_sim per module
from tests.integration.devices.outbox_reading import open_outbox, stored_bundles
from tests.integration.regional_sim_process import RunningSim

pytestmark = [pytest.mark.bumble, pytest.mark.integration]


@pytest.fixture
async def outbox(tmp_path: Path) -> AsyncIterator[Outbox]:
    db, box = await open_outbox(tmp_path / "poc.vault")
    yield box
    await db.close()


async def test_device_reading_reaches_the_trend_and_raises_a_queued_alert(
    sim: RunningSim, radio: VirtualRadio, transport: BleTransport, outbox: Outbox
) -> None:
    async with FhirClient(sim.fhir) as client:
        source = FhirTelemonitoringSource(
            client, outbox=outbox, author_reference=lambda: "Practitioner/prac-ifec-colombo"
        )
        patients = await source.list_patients()
        hf = next(p for p in patients if "heart-failure" in p.conditions)
        before = len(await source.get_series(hf.patient_id, Parameter.SYSTOLIC_BP))

        service = DeviceService(transport=transport, outbox=outbox, scan_timeout_s=0.5)
        service.prompter = FixedPrompter(passkey=123456)
        service.on_saved = source.add_observations
        bpm = await BloodPressureMonitor(radio).start()
        assert bpm.address in {d.address for d in await service.scan()}
        await service.pair(bpm.address)
        measuring = asyncio.create_task(service.measure(bpm.address, timeout_s=5))
        await bpm.wait_subscribed()
        await bpm.measure(
            systolic=Decimal(192),
            diastolic=Decimal(96),
            mean_arterial=Decimal("128.0"),
            pulse_rate_bpm=Decimal(88),
        )
        pending = await measuring
        patient = PatientChoice(f"Patient/{hf.patient_id}", hf.patient_id, hf.display_name)
        await service.confirm(pending.measurement_id, patient)
        await service.shutdown()

        series = await source.get_series(hf.patient_id, Parameter.SYSTOLIC_BP)
        assert len(series) == before + 1
        (mine,) = [i for i, v in enumerate(series.values) if v == 192.0]
        provenance, device = series.origin_of(mine)
        assert provenance is Provenance.DEVICE_BONDED and device
        worklist = {p.patient_id: p for p in await source.list_patients()}
        fired = [a for a in worklist[hf.patient_id].alerts if a.value == 192.0]
        assert fired and fired[0].severity is Severity.CRITICAL

    measurement, alerts = await stored_bundles(outbox)  # in capture order, per patient
    kinds = {e["resource"]["resourceType"] for e in measurement["entry"]}
    assert {"Observation", "Device", "Provenance"} <= kinds
    flags = [e["resource"] for e in alerts["entry"]]
    assert [f["resourceType"] for f in flags] == ["Flag"] * len(flags)
    assert any(f["subject"]["reference"] == f"Patient/{hf.patient_id}" for f in flags)
