"""FhirTelemonitoringSource against the real regional_sim process (demo seed)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app.backend.client import FhirClient
from app.backend.errors import TransportError
from app.domain.outbox import OutboxUnit
from app.domain.telemonitoring import Parameter, Provenance, Reading, Severity
from app.services.clinical_vault import VaultPulledResources, VaultSnapshotStore
from app.services.sync import pull_updates_into_cache
from app.services.telemonitoring import FhirTelemonitoringSource, OfflineCopy, UnknownPatient
from offline_cache.vault import Vault
from tests.integration.demo_sim import sim as sim  # one demo regional_sim per module
from tests.integration.regional_sim_process import RunningSim
from tests.unit.offline_cache.conftest import open_test_vault

pytestmark = pytest.mark.integration


async def test_plans_thresholds_series_and_flags_from_the_backend(sim: RunningSim) -> None:
    async with FhirClient(sim.fhir) as client:
        source = FhirTelemonitoringSource(client)
        patients = await source.list_patients()
        assert len(patients) >= 4
        programmes = {c for p in patients for c in p.conditions}
        assert {"hypertension", "heart-failure", "diabetes", "copd"} <= programmes
        hf = next(p for p in patients if "heart-failure" in p.conditions)
        assert hf.display_name and hf.display_name != hf.patient_id
        plan = hf.plans[0]
        sbp = plan.for_parameter(Parameter.SYSTOLIC_BP)
        assert sbp is not None and sbp.severity_of(175) is not None
        assert sbp.severity_of(175)[0] is Severity.CRITICAL
        weight = plan.for_parameter(Parameter.WEIGHT)
        assert weight is not None and weight.trend is not None
        # Blood pressure comes from panel components; weight from plain observations.
        bp = await source.get_series(hf.patient_id, Parameter.SYSTOLIC_BP)
        assert len(bp) > 10
        assert list(bp.times_s) == sorted(bp.times_s)
        assert all(40 <= v <= 300 for v in bp.values)
        assert bp.origin_of(0)[1] is not None  # device id kept
        kg = await source.get_series(hf.patient_id, Parameter.WEIGHT)
        assert len(kg) > 10
        # The seed's active Flags are on the worklist.
        assert any(a.rule == "backend flag" for p in patients for a in p.alerts)


class _ListOutbox:
    """Keeps units in order; the test plays the sync worker's part with the real client."""

    def __init__(self) -> None:
        self.units: list[OutboxUnit] = []

    async def enqueue(self, unit: OutboxUnit) -> None:
        self.units.append(unit)


async def test_manual_reading_and_its_alert_reach_the_backend_exactly_once(sim: RunningSim) -> None:
    outbox = _ListOutbox()
    async with FhirClient(sim.fhir) as client:

        async def connect() -> FhirClient:
            return client

        source = FhirTelemonitoringSource(
            client_factory=connect,
            outbox=outbox,
            author_reference=lambda: "Practitioner/prac-ifec-colombo",
        )
        patients = await source.list_patients()
        hf = next(p for p in patients if "heart-failure" in p.conditions)
        when = datetime.now(UTC).replace(microsecond=0)
        raised = await source.add_manual_reading(
            hf.patient_id, Reading(Parameter.SYSTOLIC_BP, when, 188.0, Provenance.MANUAL)
        )
        assert raised and raised[0].severity is Severity.CRITICAL
        (unit,) = outbox.units
        assert unit.patient_key == hf.patient_id
        # What the sync worker does after a lost response: the same bytes again.
        for _ in range(2):
            result = await client.transaction(unit.bundle())
            assert all(e.status in (200, 201) for e in result.entries), [
                e.status for e in result.entries
            ]
        obs_urn = unit.bundle()["entry"][0]["fullUrl"]
        found = await client.search("Observation", {"identifier": f"urn:ietf:rfc:3986|{obs_urn}"})
        assert len(found.matches) == 1
        obs = found.matches[0]
        assert obs["valueQuantity"]["value"] == Decimal("188.0")
        assert obs["performer"] == [{"reference": "Practitioner/prac-ifec-colombo"}]
        provenance = await client.search("Provenance", {"target": f"Observation/{obs['id']}"})
        assert len(provenance.matches) == 1
        assert provenance.matches[0]["reason"] == [{"text": "manual"}]
        flag = (await client.read("Flag", f"alert-{raised[0].id}")).resource
        assert flag["status"] == "active" and flag["subject"]["reference"].endswith(hf.patient_id)

        # Acknowledging goes through the outbox as an If-Match merge patch.
        await source.acknowledge(
            raised[0].id, practitioner_reference="Practitioner/prac-mmg-bianchi"
        )
        ack = outbox.units[-1]
        (update,) = ack.updates
        assert (update.resource_type, update.resource_id) == ("Flag", f"alert-{raised[0].id}")

        def apply(current: dict[str, Any]) -> dict[str, Any]:
            merged = dict(current)
            for key, value in update.merge_patch.items():
                merged[key] = value
            return merged

        await client.read_modify_write("Flag", update.resource_id, apply)
        flag = (await client.read("Flag", update.resource_id)).resource
        assert flag["status"] == "inactive"
        assert flag["author"] == {"reference": "Practitioner/prac-mmg-bianchi"}


@pytest.fixture
async def offline_copy(tmp_path: Path) -> AsyncIterator[tuple[Vault, OfflineCopy]]:
    """A clinician's vault and the offline copy the source falls back on."""
    vault = await open_test_vault(tmp_path / "tm.vault", os.urandom(32))
    yield vault, OfflineCopy(VaultPulledResources(vault.cache), VaultSnapshotStore(vault.cache))
    await vault.close()


async def test_worklist_and_viewed_trends_open_offline_from_the_vault(
    sim: RunningSim, offline_copy: tuple[Vault, OfflineCopy]
) -> None:
    """Online once (pull + view a trend), then the link drops: the worklist comes from the
    vault's pulled copy and the viewed trend from its saved series; an unviewed trend says it is
    unavailable; a reading taken offline is shown on top of the saved series."""
    vault, copy = offline_copy
    async with FhirClient(sim.fhir) as client:
        await pull_updates_into_cache(client, vault.cache)
        online = FhirTelemonitoringSource(client, offline_copy=lambda: copy)
        patients = await online.list_patients()
        assert online.offline_copy_utc is None
        hf = next(p for p in patients if "heart-failure" in p.conditions)
        weight = await online.get_series(hf.patient_id, Parameter.WEIGHT)
        assert len(weight) > 10

    # Nothing listens on port 9: every request fails to connect.
    async with FhirClient("http://127.0.0.1:9/fhir", max_attempts=1) as down:
        offline = FhirTelemonitoringSource(down, offline_copy=lambda: copy)
        again = await offline.list_patients()
        assert offline.offline_copy_utc is not None
        assert {p.patient_id for p in again} == {p.patient_id for p in patients}
        hf_off = next(p for p in again if p.patient_id == hf.patient_id)
        assert hf_off.display_name == hf.display_name
        assert hf_off.plans[0].for_parameter(Parameter.WEIGHT) == hf.plans[0].for_parameter(
            Parameter.WEIGHT
        )  # thresholds from the pulled ObservationDefinitions
        flags_online = {a.id for p in patients for a in p.alerts if a.rule == "backend flag"}
        flags_offline = {a.id for p in again for a in p.alerts if a.rule == "backend flag"}
        assert flags_online and flags_offline == flags_online  # from the pulled Flags

        saved = await offline.get_series(hf.patient_id, Parameter.WEIGHT)
        assert list(saved.times_s) == list(weight.times_s)
        assert list(saved.values) == list(weight.values)
        assert [saved.origin_of(i) for i in range(len(saved))] == [
            weight.origin_of(i) for i in range(len(weight))
        ]
        with pytest.raises(TransportError):
            await offline.get_series(hf.patient_id, Parameter.HEART_RATE)

        now = datetime.now(UTC).replace(microsecond=0)
        await offline.add_manual_reading(
            hf.patient_id, Reading(Parameter.WEIGHT, now, 81.5, Provenance.MANUAL)
        )
        shown = await offline.get_series(hf.patient_id, Parameter.WEIGHT)
        assert len(shown) == len(weight) + 1
        i = list(shown.times_s).index(now.timestamp())
        assert shown.values[i] == 81.5 and shown.origin_of(i) == (Provenance.MANUAL, None)

        offline.forget()  # another clinician: nothing kept in memory
        assert offline.offline_copy_utc is None
        with pytest.raises(UnknownPatient):
            await offline.add_manual_reading(
                hf.patient_id, Reading(Parameter.WEIGHT, now, 80.0, Provenance.MANUAL)
            )

    # Without any saved copy the failure is the backend's, not an empty worklist.
    async with FhirClient("http://127.0.0.1:9/fhir", max_attempts=1) as down:
        with pytest.raises(TransportError):
            await FhirTelemonitoringSource(down).list_patients()


async def test_prefetched_trends_open_offline_without_being_viewed(
    sim: RunningSim, offline_copy: tuple[Vault, OfflineCopy]
) -> None:
    """Trends saved ahead (after a pull) open offline although nobody looked at them online;
    fresh copies are not fetched again; nothing is shown before the clinician opens them."""
    vault, copy = offline_copy
    async with FhirClient(sim.fhir) as client:
        await pull_updates_into_cache(client, vault.cache)
        online = FhirTelemonitoringSource(client, offline_copy=lambda: copy)
        patients = await online.list_patients()
        hf = next(p for p in patients if "heart-failure" in p.conditions)
        parameters = {p for plan in hf.plans for p in plan.parameters}
        assert await online.prefetch([hf.patient_id]) == len(parameters) > 1
        assert await online.prefetch([hf.patient_id]) == 0  # fresh: not fetched again
        assert await online.prefetch([hf.patient_id], max_age=timedelta(0)) == len(parameters)
        reference = await online.get_series(hf.patient_id, Parameter.HEART_RATE)

    async with FhirClient("http://127.0.0.1:9/fhir", max_attempts=1) as down:
        offline = FhirTelemonitoringSource(down, offline_copy=lambda: copy)
        await offline.list_patients()
        hr = await offline.get_series(hf.patient_id, Parameter.HEART_RATE)
        assert len(hr) == len(reference) > 10
        assert list(hr.values) == list(reference.values)
