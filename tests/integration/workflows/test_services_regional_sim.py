"""Clinical workflow services against the real regional_sim process (demo seed)."""

from __future__ import annotations

import struct
import uuid
import zlib
from datetime import UTC, datetime

import pytest

from app.backend import ConnectionFailed, FhirClient
from app.domain.codice_fiscale import InvalidCodiceFiscale
from app.domain.telemonitoring import Parameter, Provenance, Reading
from app.domain.workflows import (
    AgendaItemKind,
    AnswerOption,
    AttachmentKind,
    ConsentKind,
    IdentifierKind,
    IdentityWarning,
    InvalidAnswers,
    InvalidTransition,
    SharedAttachment,
    TeleconsultStatus,
)
from app.services.agenda import AgendaService
from app.services.clinical_data import (
    CachingReader,
    DirectWriter,
    FhirReader,
    InMemorySnapshotStore,
)
from app.services.patients import PatientService
from app.services.pharmacy import ConsentMissing, ImplausibleReading, PharmacyService
from app.services.questionnaire import QuestionnaireService
from app.services.teleconsult import TeleconsultService

pytestmark = pytest.mark.integration

GP = "Practitioner/prac-mmg-bianchi"
NURSE = "Practitioner/prac-ifec-colombo"
CARDIO = "Practitioner/prac-card-romano"
PHARMA = "Practitioner/prac-farm-ferrari"


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"\x00\xff\x00\x00"
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


async def test_agenda_of_each_role_and_offline_from_the_saved_copy(client, sim) -> None:
    store = InMemorySnapshotStore()
    current = {"client": client}

    async def provide() -> FhirClient:
        return current["client"]

    agenda = AgendaService(CachingReader(FhirReader(provide), store))
    gp = await agenda.load(GP)
    kinds = [i.kind for i in gp.items]
    assert kinds.count(AgendaItemKind.TELEVISIT) == 5
    assert kinds[:2] == [AgendaItemKind.ALERT, AgendaItemKind.ALERT]  # urgent first
    visits = [i for i in gp.items if i.kind is AgendaItemKind.TELEVISIT]
    starts = [i.start_utc for i in visits]
    assert starts == sorted(starts) and all(s is not None for s in starts)
    assert {i.patient_id for i in visits} == {"pat-001", "pat-002", "pat-003", "pat-004", "pat-005"}
    assert all(i.patient_name and i.patient_name != i.patient_id for i in gp.items)
    assert not gp.from_cache

    nurse = await agenda.load(NURSE)
    assert [i.kind for i in nurse.items].count(AgendaItemKind.TELEASSISTANCE) == 4
    cardio = await agenda.load(CARDIO)
    consult = [i for i in cardio.items if i.kind is AgendaItemKind.TELECONSULT]
    assert consult and consult[0].resource_ref == "Task/task-teleconsulto-001"
    assert "Incremento ponderale" in consult[0].description
    assert (await agenda.load(PHARMA)).items == ()

    # The backend goes away: the same agenda comes from the saved copy, flagged as such.
    async with FhirClient("http://127.0.0.1:9/fhir", max_attempts=1) as dead:
        current["client"] = dead
        offline = await agenda.load(GP, gp.day)
        assert offline.from_cache
        assert offline.items == gp.items
        with pytest.raises(ConnectionFailed):  # never loaded online: nothing to show
            await agenda.load("Practitioner/prac-unknown", gp.day)


async def test_patient_search_identifiers_omocodia_and_header(reader, writer, client) -> None:
    patients = PatientService(reader, writer)
    twin = await patients.search("pat-031")  # a name search that matches nothing
    assert twin == []
    base = (await reader.read("Patient", "pat-031"))["identifier"][0]["value"]
    omocode = (await reader.read("Patient", "pat-032"))["identifier"][0]["value"]
    [m31] = await patients.search(base.lower())
    [m32] = await patients.search(omocode)
    assert (m31.patient_id, m32.patient_id) == ("pat-031", "pat-032")
    assert IdentityWarning.CF_OMOCODIA in m32.warnings and not m31.warnings
    wrong = base[:15] + ("A" if base[15] != "A" else "B")
    with pytest.raises(InvalidCodiceFiscale, match="check letter"):
        await patients.search(wrong)
    [stp] = await patients.search("STP0303080001234")
    [eni] = await patients.search("eni 0303080000567")
    assert (stp.patient_id, eni.patient_id) == ("pat-stp-001", "pat-eni-001")
    by_name = await patients.search("Ferrara Teresa")
    assert [m.patient_id for m in by_name] == ["pat-008"]
    # A European visitor identified by the TEAM card number (20 digits).
    team = "80276001230000123456"
    await client.update(
        {
            "resourceType": "Patient",
            "id": "pat-team-001",
            "identifier": [
                {
                    "type": {
                        "coding": [
                            {
                                "system": "https://www.hl7.it/fhir/terminology/CodeSystem/it-identifier-type",
                                "code": "TEAM",
                            }
                        ]
                    },
                    "system": "urn:oid:2.16.840.1.113883.2.9.4.3.7",
                    "value": team,
                }
            ],
            "name": [{"family": "Müller", "given": ["Anna"]}],
            "gender": "female",
            "birthDate": "1990-06-01",
        }
    )
    [visitor] = await patients.search(team[:10] + " " + team[10:])
    assert visitor.patient_id == "pat-team-001" and visitor.warnings == ()
    assert visitor.identifier(IdentifierKind.TEAM) == team

    header = await patients.header("pat-008")
    assert header.care_plans == ("Telemonitoraggio scompenso cardiaco",)
    assert {d.device_id for d in header.devices} == {
        "dev-pat-008-bpm",
        "dev-pat-008-scale",
        "dev-pat-008-oximeter",
    }
    params = {r.parameter for r in header.last_readings}
    assert {Parameter.SYSTOLIC_BP, Parameter.WEIGHT, Parameter.SPO2} <= params
    assert not header.televisit_allowed  # only the informed consent is on record
    await patients.record_consent("pat-008", ConsentKind.TELEMEDICINE, practitioner_ref=GP)
    assert (await patients.header("pat-008")).televisit_allowed


async def test_teleconsult_request_reply_and_status_through_units(reader, writer) -> None:
    service = TeleconsultService(reader, writer)
    png = tiny_png()
    request_id = uuid.uuid4()
    unit = service.request_unit(
        request_id=request_id,
        patient_id="pat-009",
        requester_ref=GP,
        performer_ref=CARDIO,
        reason="Dispnea ingravescente",
        text="Allego trend del peso.",
        attachments=[
            SharedAttachment(AttachmentKind.TREND_SNAPSHOT, "Trend peso", "image/png", png)
        ],
        priority="urgent",
    )
    for _ in range(3):  # resent after a lost answer: still one request
        await writer.enqueue(unit)
    incoming = await service.list_for(CARDIO)
    mine = [c for c in incoming if c.reason == "Dispnea ingravescente"]
    assert len(mine) == 1
    consult = mine[0]
    assert consult.status is TeleconsultStatus.REQUESTED
    assert consult.patient_name and consult.patient_name != "pat-009"  # resolved name
    assert consult.priority == "urgent"
    [first] = consult.messages
    assert first.text == "Allego trend del peso." and first.sender_ref == GP
    [(title, ctype, url)] = first.attachments
    assert (title, ctype) == ("Trend peso", "image/png")
    assert await service.attachment(url) == png

    with pytest.raises(InvalidTransition):
        await service.set_status(consult, TeleconsultStatus.COMPLETED, actor_ref=CARDIO)
    await service.set_status(consult, TeleconsultStatus.ACCEPTED, actor_ref=CARDIO)
    accepted = await service.load(consult.task_id)
    assert accepted.status is TeleconsultStatus.ACCEPTED
    await service.reply(accepted, sender_ref=CARDIO, text="Aumentare il diuretico; ECG.")
    # A stale copy (still "requested") cannot be accepted again: the fresh state is checked.
    with pytest.raises(InvalidTransition):
        await service.set_status(consult, TeleconsultStatus.ACCEPTED, actor_ref=CARDIO)
    await service.set_status(accepted, TeleconsultStatus.COMPLETED, actor_ref=CARDIO)
    done = (c for c in await service.list_for(GP, incoming=False) if c.task_id == consult.task_id)
    final = next(done)
    assert final.status is TeleconsultStatus.COMPLETED
    assert [m.sender_ref for m in final.messages] == [GP, CARDIO]
    assert final.messages[1].in_response_to == f"Communication/{first.message_id}"
    sr = await reader.read("ServiceRequest", final.service_request_id)
    assert sr["status"] == "completed"

    # Another request is rejected, with its reason on the Task.
    await service.request(
        patient_id="pat-009",
        requester_ref=GP,
        performer_ref=CARDIO,
        reason="Da rifiutare",
        text="Quesito",
    )
    [other] = [c for c in await service.list_for(CARDIO) if c.reason == "Da rifiutare"]
    await service.set_status(
        other, TeleconsultStatus.REJECTED, actor_ref=CARDIO, reason="Di competenza pneumologica"
    )
    task = await reader.read("Task", other.task_id)
    assert task["status"] == "rejected"
    assert task["statusReason"] == {"text": "Di competenza pneumologica"}


async def test_satisfaction_questionnaire(reader, writer, client) -> None:
    service = QuestionnaireService(reader, writer)
    form = await service.load()
    assert [q.link_id for q in form.questions] == ["1", "2", "3", "4", "5"]
    with pytest.raises(InvalidAnswers) as err:
        service.response_unit(
            form,
            {"1": form.questions[0].options[4], "3": "yes"},
            patient_id="pat-001",
            author_ref=GP,
        )
    assert set(err.value.link_ids) == {"2", "3"}
    with pytest.raises(InvalidAnswers):
        service.response_unit(
            form,
            {"1": AnswerOption("x", "9", "?"), "2": form.questions[1].options[0]},
            patient_id="pat-001",
            author_ref=GP,
        )
    answers = {
        "1": form.questions[0].options[4],
        "2": form.questions[1].options[3],
        "3": True,
        "4": False,
        "5": "Molto comodo",
    }
    unit = service.response_unit(form, answers, patient_id="pat-001", author_ref=GP)
    await writer.enqueue(unit)
    await writer.enqueue(unit)
    found = await client.search(
        "QuestionnaireResponse", {"identifier": f"urn:ietf:rfc:3986|urn:uuid:{unit.unit_id}"}
    )
    [qr] = found.matches
    assert qr["questionnaire"].startswith(form.url)
    assert [i["linkId"] for i in qr["item"]] == ["1", "2", "3", "4", "5"]
    assert qr["item"][2]["answer"] == [{"valueBoolean": True}]


async def test_pharmacy_point_of_care(reader, writer, client) -> None:
    patients = PatientService(reader, writer)
    pharmacy = PharmacyService(patients, writer)
    [patient] = await patients.search("Rossi Carla")
    now = datetime.now(UTC).replace(microsecond=0)
    readings = [
        Reading(Parameter.SYSTOLIC_BP, now, 142.0, Provenance.MANUAL),
        Reading(Parameter.DIASTOLIC_BP, now, 91.0, Provenance.MANUAL),
        Reading(Parameter.SPO2, now, 97.0, Provenance.MANUAL),
    ]
    with pytest.raises(ConsentMissing):
        await pharmacy.measure_and_send(
            patient, readings, pharmacist_ref=PHARMA, consent_on_record=False
        )
    with pytest.raises(ImplausibleReading):
        await pharmacy.measure_and_send(
            patient,
            [Reading(Parameter.SPO2, now, 197.0, Provenance.MANUAL)],
            pharmacist_ref=PHARMA,
            consent_on_record=True,
        )
    await pharmacy.record_consents(patient, pharmacist_ref=PHARMA)
    assert (await patients.header(patient.patient_id)).televisit_allowed
    result = await pharmacy.measure_and_send(
        patient, readings, pharmacist_ref=PHARMA, consent_on_record=True
    )
    await writer.enqueue(result.unit)  # resent: no duplicates
    found = await client.search(
        "Observation", {"subject": f"Patient/{patient.patient_id}", "performer": PHARMA}
    )
    assert len(found.matches) == 2
    panel = next(o for o in found.matches if "component" in o)
    assert [c["valueQuantity"]["value"] for c in panel["component"]] == [142, 91]
    header = await patients.header(patient.patient_id)
    assert {r.parameter for r in header.last_readings} >= {Parameter.SYSTOLIC_BP, Parameter.SPO2}
    assert isinstance(writer, DirectWriter)
