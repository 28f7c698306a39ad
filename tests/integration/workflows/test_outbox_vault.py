"""The workflow units through the real encrypted outbox and sync worker to the real regional_sim;
drafts and offline agenda copies in the real SQLCipher vault survive a restart."""

from __future__ import annotations

import base64
import os
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.backend import FhirClient
from app.domain.telemonitoring import Parameter, Provenance, Reading
from app.domain.visit_report import VisitReport
from app.domain.workflows import (
    AttachmentKind,
    ConsentKind,
    SharedAttachment,
    TeleconsultStatus,
)
from app.services.clinical import ClinicalServices
from app.services.sync import SyncWorker
from app.services.visit_report import render_pdf, report_unit
from tests.integration.regional_sim_process import RunningSim
from tests.integration.workflows.test_services_regional_sim import tiny_png
from tests.unit.offline_cache.conftest import open_test_vault

pytestmark = pytest.mark.integration

GP = "Practitioner/prac-mmg-bianchi"
CARDIO = "Practitioner/prac-card-romano"
PHARMA = "Practitioner/prac-farm-ferrari"


async def test_units_drain_through_the_real_outbox(sim: RunningSim, tmp_path: Path) -> None:
    vault = await open_test_vault(tmp_path / "gp.vault", os.urandom(32))
    try:
        async with FhirClient(sim.fhir, backoff_s=0.01) as client:

            async def provide() -> FhirClient:
                return client

            services = ClinicalServices(client=provide, practitioner_ref=GP)

            assert services.use_vault(vault)  # what the session does after login
            worker = SyncWorker(outbox=vault.outbox, client=client)
            png = tiny_png()
            request = await services.teleconsults.request(
                patient_id="pat-011",
                requester_ref=GP,
                performer_ref=CARDIO,
                reason="Vault round trip",
                text="Vedi grafico",
                attachments=[
                    SharedAttachment(AttachmentKind.TREND_SNAPSHOT, "trend.png", "image/png", png)
                ],
            )
            await vault.outbox.enqueue(request)  # the same unit again: a no-op
            consent = await services.patients.record_consent(
                "pat-011", ConsentKind.TELEMEDICINE, practitioner_ref=GP
            )
            form = await services.questionnaires.load()
            answers = {"1": form.questions[0].options[2], "2": form.questions[1].options[2]}
            questionnaire = await services.questionnaires.submit(
                form, answers, patient_id="pat-011", author_ref=GP
            )
            [patient] = await services.patients.search(
                (await client.read("Patient", "pat-011")).resource["identifier"][0]["value"]  # type: ignore[index]
            )
            now = datetime.now(UTC).replace(microsecond=0)
            measure = await services.pharmacy.measure_and_send(
                patient,
                [Reading(Parameter.WEIGHT, now, 81.4, Provenance.MANUAL)],
                pharmacist_ref=PHARMA,
                consent_on_record=True,
            )
            report = VisitReport(
                report_id=str(uuid.uuid4()),
                patient_ref="Patient/pat-011",
                patient_name=patient.display_name,
                patient_codice_fiscale=patient.identifiers[0].value,
                practitioner_ref=GP,
                practitioner_name="Dott.ssa Laura Bianchi",
                started_at_utc=now - timedelta(minutes=15),
                ended_at_utc=now,
                reason="Controllo",
                conclusions="Stabile",
            ).signed(now)
            pdf = render_pdf(report)
            await vault.outbox.enqueue(report_unit(report, pdf))
            await vault.outbox.enqueue(report_unit(report, render_pdf(report)))  # same id: no-op

            counts = await vault.outbox.counts()
            assert counts.pending == 5
            drained = await worker.drain()
            assert (drained.sent, drained.remaining, drained.dead) == (5, 0, 0)
            for unit in (request, consent, questionnaire, measure.unit):
                assert unit.unit_id  # all sent; check the server side below

            consults = await services.teleconsults.list_for(CARDIO)
            [consult] = [c for c in consults if c.reason == "Vault round trip"]
            [(_title, _ctype, url)] = consult.messages[0].attachments
            assert await services.teleconsults.attachment(url) == png
            # Status changes are If-Match merge patches applied by the worker.
            await services.teleconsults.set_status(
                consult, TeleconsultStatus.ACCEPTED, actor_ref=CARDIO
            )
            assert (await worker.drain()).sent == 1
            accepted = await services.teleconsults.load(consult.task_id)
            assert accepted.status is TeleconsultStatus.ACCEPTED
            await services.teleconsults.set_status(
                accepted, TeleconsultStatus.COMPLETED, actor_ref=CARDIO
            )
            assert (await worker.drain()).sent == 1
            done = await services.teleconsults.load(consult.task_id)
            assert done.status is TeleconsultStatus.COMPLETED
            assert (await client.read("ServiceRequest", done.service_request_id)).resource[  # type: ignore[index]
                "status"
            ] == "completed"
            docs = await client.search(
                "DocumentReference",
                {"identifier": f"urn:ietf:rfc:3986|urn:uuid:{report.report_id}"},
            )
            assert len(docs.matches) == 1
            attachment = docs.matches[0]["content"][0]["attachment"]
            binary = await client.read("Binary", attachment["url"].split("/", 1)[1])
            assert binary.resource is not None
            assert base64.b64decode(binary.resource["data"]) == pdf  # the first unit's bytes
            assert attachment["size"] == len(pdf)
            weights = await client.search(
                "Observation", {"subject": "Patient/pat-011", "performer": PHARMA}
            )
            [weight] = weights.matches
            assert str(weight["valueQuantity"]["value"]) == "81.4"
            worker.close()
    finally:
        await vault.close()


async def test_drafts_and_offline_agenda_survive_a_restart(sim: RunningSim, tmp_path: Path) -> None:
    key = os.urandom(32)
    path = tmp_path / "nurse.vault"
    now = datetime.now(UTC).replace(microsecond=0)
    draft = VisitReport(
        report_id="draft-1",
        patient_ref="Patient/pat-002",
        patient_name="X",
        patient_codice_fiscale="-",
        practitioner_ref=GP,
        practitioner_name="GP",
        started_at_utc=now,
        ended_at_utc=now,
        reason="Scritto prima del crash",
    )
    vault = await open_test_vault(path, key)
    async with FhirClient(sim.fhir) as client:

        async def provide() -> FhirClient:
            return client

        services = ClinicalServices(client=provide, practitioner_ref=GP)

        assert services.use_vault(vault)  # what the session does after login
        online = await services.agenda.load(GP)
        await services.drafts.save(draft)
    await vault.close()  # the process ends (or crashes after the write returned)
    raw = path.read_bytes()
    assert b"Scritto prima del crash" not in raw and b"pat-002" not in raw

    vault = await open_test_vault(path, key)
    try:
        async with FhirClient("http://127.0.0.1:9/fhir", max_attempts=1) as dead:

            async def offline() -> FhirClient:
                return dead

            restarted = ClinicalServices(client=offline, practitioner_ref=GP)

            assert restarted.use_vault(vault)  # what the session does after login
            assert await restarted.drafts.list_ids() == ["draft-1"]
            assert await restarted.drafts.load("draft-1") == draft
            again = await restarted.agenda.load(GP, online.day)
            assert again.from_cache and again.items == online.items
            await restarted.drafts.delete("draft-1")
            assert await restarted.drafts.list_ids() == []
            assert await restarted.drafts.load("draft-1") is None
    finally:
        await vault.close()


async def test_offline_from_what_the_sync_worker_pulled(sim: RunningSim, tmp_path: Path) -> None:
    """A station that never opened these screens online still works from the pulled copy."""
    from app.domain.workflows import AgendaItemKind
    from app.services.sync import pull_updates_into_cache

    vault = await open_test_vault(tmp_path / "pulled.vault", os.urandom(32))
    try:
        async with FhirClient(sim.fhir) as client:
            report = await pull_updates_into_cache(client, vault.cache)
            assert report.stored["Appointment"] >= 9
            cf = (await client.read("Patient", "pat-008")).resource["identifier"][0]["value"]  # type: ignore[index]
        async with FhirClient("http://127.0.0.1:9/fhir", max_attempts=1) as dead:

            async def offline() -> FhirClient:
                return dead

            services = ClinicalServices(client=offline, practitioner_ref=GP)
            assert services.use_vault(vault)
            agenda = await services.agenda.load(GP)
            assert agenda.from_cache and agenda.fetched_at_utc is not None
            visits = [i for i in agenda.items if i.kind is AgendaItemKind.TELEVISIT]
            assert len(visits) == 5 and all(i.patient_name for i in visits)
            assert [i.start_utc for i in visits] == sorted(i.start_utc for i in visits)  # type: ignore[type-var]
            [by_cf] = await services.patients.search(cf)
            [by_name] = await services.patients.search("ferrara ter")
            assert by_cf.patient_id == by_name.patient_id == "pat-008"
            header = await services.patients.header("pat-008")
            assert header.care_plans == ("Telemonitoraggio scompenso cardiaco",)
            assert len(header.devices) == 3 and header.last_readings == ()
            assert any(c.active for c in header.consents)
            from app.domain.workflows import WorkflowError

            with pytest.raises(WorkflowError):
                await services.patients.header("pat-unknown")
    finally:
        await vault.close()
