"""FhirTelemonitoringSource against the real regional_sim process (demo seed)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.backend.client import FhirClient
from app.domain.telemonitoring import Parameter, Severity
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
