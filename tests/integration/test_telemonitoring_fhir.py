"""FhirTelemonitoringSource against the real regional_sim process (demo seed)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from app.backend.client import FhirClient
from app.domain.outbox import OutboxUnit
from app.domain.telemonitoring import Parameter, Provenance, Reading, Severity
from app.services.telemonitoring import FhirTelemonitoringSource
from tests.integration.regional_sim_process import RunningSim, regional_sim

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSim]:
    db = tmp_path_factory.mktemp("tm-sim") / "demo.db"
    with regional_sim(db, extra_args=["--seed", "demo"]) as running:
        yield running


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
