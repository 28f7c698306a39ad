"""Pure logic of the clinical workflows: search classification, identity checks, transitions,
merge patches, questionnaire answers, point-of-care Observations, offline reads."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from app.backend import ConnectionFailed, NotFound
from app.domain.codice_fiscale import BirthSex, compute_codice_fiscale
from app.domain.outbox import InvalidUnit, OutboxUnit
from app.domain.telemonitoring import Parameter, Provenance, Reading
from app.domain.workflows import (
    AgendaItem,
    AgendaItemKind,
    AnswerOption,
    IdentifierKind,
    IdentityWarning,
    InvalidAnswers,
    InvalidSearch,
    InvalidTransition,
    QuestionnaireForm,
    TeleconsultStatus,
    check_transition,
    classify_search_text,
)
from app.services.clinical_data import (
    CachingReader,
    InMemorySnapshotStore,
    ReadResult,
    make_unit,
)
from app.services.patients import identity_warnings, latest_readings
from app.services.pharmacy import observations
from app.services.questionnaire import check_answers, parse_questionnaire
from app.services.teleconsult import EmptyMessage, _payload

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("rssmra80a01h501u", IdentifierKind.CODICE_FISCALE, "RSSMRA80A01H501U"),
        (" RSS MRA 80A01 H501U ", IdentifierKind.CODICE_FISCALE, "RSSMRA80A01H501U"),
        ("STP0303080001234", IdentifierKind.STP, "STP0303080001234"),
        ("eni 030 308 000 0567", IdentifierKind.ENI, "ENI0303080000567"),
        ("80380000000000012345", IdentifierKind.TEAM, "80380000000000012345"),
        ("  De  Luca ", IdentifierKind.NAME, "De Luca"),
    ],
)
def test_search_text_is_classified(text: str, kind: IdentifierKind, value: str) -> None:
    assert classify_search_text(text) == (kind, value)


@pytest.mark.parametrize("text", ["", "   ", "x", "STP123", "12345", "ENI03030800005678"])
def test_unusable_search_text_is_a_typed_error(text: str) -> None:
    with pytest.raises(InvalidSearch):
        classify_search_text(text)


def test_identity_cross_check_against_sex_and_birth_date() -> None:
    born = date(1980, 1, 1)
    code = compute_codice_fiscale(
        family_name="Rossi", given_name="Maria", birth_date=born, sex=BirthSex.FEMALE,
        belfiore="H501",
    )  # fmt: skip
    assert identity_warnings(code, gender="female", birth_date=born) == ()
    assert identity_warnings(code, gender="male", birth_date=born) == (
        IdentityWarning.CF_SEX_MISMATCH,
    )
    assert identity_warnings(code, gender="female", birth_date=date(1980, 1, 2)) == (
        IdentityWarning.CF_BIRTH_DATE_MISMATCH,
    )
    omo = compute_codice_fiscale(
        family_name="Rossi", given_name="Maria", birth_date=born, sex=BirthSex.FEMALE,
        belfiore="H501", omocodia_level=2,
    )  # fmt: skip
    assert identity_warnings(omo, gender="female", birth_date=born) == (
        IdentityWarning.CF_OMOCODIA,
    )
    wrong = code[:15] + ("A" if code[15] != "A" else "B")
    assert identity_warnings(wrong, gender="female", birth_date=born) == (
        IdentityWarning.CF_INVALID,
    )
    assert identity_warnings(None, gender="female", birth_date=born) == ()


def test_teleconsult_transitions() -> None:
    check_transition(TeleconsultStatus.REQUESTED, TeleconsultStatus.ACCEPTED)
    check_transition(TeleconsultStatus.ACCEPTED, TeleconsultStatus.COMPLETED)
    for current, new in [
        (TeleconsultStatus.REQUESTED, TeleconsultStatus.COMPLETED),
        (TeleconsultStatus.COMPLETED, TeleconsultStatus.ACCEPTED),
        (TeleconsultStatus.REJECTED, TeleconsultStatus.ACCEPTED),
        (TeleconsultStatus.ACCEPTED, TeleconsultStatus.ACCEPTED),
    ]:
        with pytest.raises(InvalidTransition):
            check_transition(current, new)


def test_units_must_be_resendable() -> None:
    entry = {"resource": {"resourceType": "Flag"}, "request": {"method": "POST", "url": "Flag"}}
    with pytest.raises(InvalidUnit):
        make_unit(unit_id=uuid.uuid4(), kind="consent", patient_key=None, entries=[entry], label="")  # type: ignore[arg-type]


def test_empty_teleconsult_message_is_refused() -> None:
    with pytest.raises(EmptyMessage):
        _payload(unit_id="u", text="  ", attachments=(), observation_ids=())


def test_agenda_order_urgent_first_then_time() -> None:
    def item(kind: AgendaItemKind, hour: int, priority: str = "routine") -> AgendaItem:
        return AgendaItem(
            kind, f"X/{kind}{hour}", "p", "P", "booked",
            start_utc=NOW.replace(hour=hour), priority=priority,
        )  # fmt: skip

    items = [
        item(AgendaItemKind.TELEVISIT, 11),
        item(AgendaItemKind.TELEVISIT, 9),
        item(AgendaItemKind.ALERT, 12),
        item(AgendaItemKind.TELECONSULT, 8, "urgent"),
    ]
    ordered = sorted(items, key=AgendaItem.sort_key)
    assert [(i.kind, i.start_utc.hour) for i in ordered if i.start_utc] == [
        (AgendaItemKind.TELECONSULT, 8),
        (AgendaItemKind.ALERT, 12),
        (AgendaItemKind.TELEVISIT, 9),
        (AgendaItemKind.TELEVISIT, 11),
    ]


QUESTIONNAIRE = {
    "resourceType": "Questionnaire",
    "url": "https://example.org/q",
    "version": "1",
    "title": "T",
    "item": [
        {
            "linkId": "g",
            "type": "group",
            "item": [
                {
                    "linkId": "1",
                    "type": "choice",
                    "required": True,
                    "text": "Q1",
                    "answerOption": [{"valueCoding": {"system": "s", "code": "1", "display": "A"}}],
                },
                {"linkId": "d", "type": "display", "text": "info"},
            ],
        },
        {"linkId": "2", "type": "boolean", "text": "Q2"},
        {"linkId": "3", "type": "integer", "text": "Q3"},
        {"linkId": "4", "type": "string", "text": "Q4"},
    ],
}


def test_questionnaire_answers_checked_against_the_form() -> None:
    form = parse_questionnaire(QUESTIONNAIRE)
    assert isinstance(form, QuestionnaireForm)
    assert [q.link_id for q in form.questions] == ["1", "2", "3", "4"]
    ok = AnswerOption("s", "1", "A")
    check_answers(form, {"1": ok, "2": False, "3": 4, "4": "x"})
    cases = [
        ({}, {"1"}),
        ({"1": AnswerOption("s", "2", "B")}, {"1"}),
        ({"1": ok, "2": "no"}, {"2"}),
        ({"1": ok, "3": True}, {"3"}),
        ({"1": ok, "4": "two\nlines"}, {"4"}),
        ({"1": ok, "zz": 1}, {"zz"}),
    ]
    for answers, bad in cases:
        with pytest.raises(InvalidAnswers) as err:
            check_answers(form, answers)  # type: ignore[arg-type]
        assert set(err.value.link_ids) == bad


def test_point_of_care_observations_pair_blood_pressure() -> None:
    uid = uuid.UUID(int=5)
    readings = [
        Reading(Parameter.SYSTOLIC_BP, NOW, 130.0, Provenance.MANUAL),
        Reading(Parameter.DIASTOLIC_BP, NOW, 85.0, Provenance.MANUAL),
        Reading(Parameter.TEMPERATURE, NOW, 36.6, Provenance.DEVICE_BONDED, "dev-1"),
    ]
    entries = observations(
        unit_id=uid, patient_id="p", performer_ref="Practitioner/f", readings=readings
    )
    assert len(entries) == 2
    panel, temp = (e["resource"] for e in entries)
    assert panel["code"]["coding"][0]["code"] == "85354-9"
    assert [c["valueQuantity"]["value"] for c in panel["component"]] == [130, 85]
    assert str(temp["valueQuantity"]["value"]) == "36.6"
    assert temp["device"] == {"reference": "Device/dev-1"}
    again = observations(
        unit_id=uid, patient_id="p", performer_ref="Practitioner/f", readings=readings
    )
    assert again == entries  # deterministic ids: a rebuilt unit is the same unit
    unit = make_unit(unit_id=uid, kind="measurement", patient_key="p", entries=entries, label="m")  # type: ignore[arg-type]
    assert isinstance(unit, OutboxUnit)
    # only SBP: stays a plain Observation
    [single] = observations(unit_id=uid, patient_id="p", performer_ref="x", readings=readings[:1])
    assert single["resource"]["code"]["coding"][0]["code"] == "8480-6"


def test_latest_readings_take_the_newest_per_parameter() -> None:
    def obs(code: str, when: str, value: float) -> dict[str, object]:
        return {
            "resourceType": "Observation",
            "id": when,
            "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
            "effectiveDateTime": when,
            "valueQuantity": {"value": value},
        }

    out = latest_readings(
        [
            obs("8867-4", "2026-01-01T08:00:00+00:00", 60),
            obs("8867-4", "2026-01-02T08:00:00+00:00", 70),
            obs("29463-7", "2026-01-01T08:00:00+00:00", 80),
            {**obs("8867-4", "2026-01-03T08:00:00+00:00", 99), "status": "entered-in-error"},
        ]
    )
    assert [(r.parameter, r.value) for r in out] == [
        (Parameter.HEART_RATE, 70),
        (Parameter.WEIGHT, 80),
    ]


class FlakyReader:
    def __init__(self) -> None:
        self.online = True

    async def search(self, resource_type, params, *, include=()):  # type: ignore[no-untyped-def]
        if not self.online:
            raise ConnectionFailed("down", request_sent=False)
        return ReadResult([{"resourceType": resource_type, "id": "1", "n": dict(params)}], [], NOW)

    async def read(self, resource_type, resource_id):  # type: ignore[no-untyped-def]
        if not self.online:
            raise ConnectionFailed("down", request_sent=False)
        if resource_id == "missing":
            raise NotFound("gone", status=404)
        return {"resourceType": resource_type, "id": resource_id}


async def test_caching_reader_serves_the_last_answer_offline() -> None:
    flaky = FlakyReader()
    store = InMemorySnapshotStore()
    reader = CachingReader(flaky, store)
    first = await reader.search("Patient", {"b": "2", "a": ["x", "y"]})
    assert await reader.read("Patient", "7") == {"resourceType": "Patient", "id": "7"}
    flaky.online = False
    again = await reader.search("Patient", {"a": ["y", "x"], "b": "2"})  # same query
    assert again.from_cache and again.matches == first.matches
    assert again.fetched_at_utc == NOW
    assert await reader.read("Patient", "7") == {"resourceType": "Patient", "id": "7"}
    with pytest.raises(ConnectionFailed):
        await reader.search("Patient", {"other": "1"})
    flaky.online = True
    with pytest.raises(NotFound):  # a real answer is never masked by the cache
        await reader.read("Patient", "missing")


def test_teleconsult_units_refuse_bad_input_and_rebuild_identically() -> None:
    from app.domain.workflows import AttachmentKind, SharedAttachment
    from app.services.teleconsult import AttachmentTooLarge, TeleconsultService

    service = TeleconsultService(FlakyReader(), None, clock=lambda: NOW)  # type: ignore[arg-type]
    common = dict(
        request_id=uuid.UUID(int=9),
        patient_id="p",
        requester_ref="Practitioner/a",
        performer_ref="Practitioner/b",
        text="domanda",
    )
    with pytest.raises(EmptyMessage):
        service.request_unit(reason="  ", **common)  # type: ignore[arg-type]
    big = SharedAttachment(
        AttachmentKind.IMAGE, "x.png", "image/png", b"\0" * (SharedAttachment.MAX_BYTES + 1)
    )
    with pytest.raises(AttachmentTooLarge) as err:
        service.request_unit(reason="r", attachments=[big], **common)  # type: ignore[arg-type]
    assert "x.png" not in str(err.value)  # file names may carry patient data: never in errors
    small = SharedAttachment(AttachmentKind.DOCUMENT, "a.pdf", "application/pdf", b"%PDF-1.4")
    one = service.request_unit(reason="r", attachments=[small], **common)  # type: ignore[arg-type]
    two = service.request_unit(reason="r", attachments=[small], **common)  # type: ignore[arg-type]
    assert one.bundle_json == two.bundle_json  # the same request is the same unit
    assert [a.client_id for a in one.attachments] == [a.client_id for a in two.attachments]
    entries = one.bundle()["entry"]
    assert [e["request"]["method"] for e in entries] == ["POST", "POST", "POST"]
    assert all(e["request"]["ifNoneExist"].startswith("identifier=") for e in entries)
    comm = entries[2]["resource"]
    assert (
        comm["payload"][1]["contentAttachment"]["url"] == f"Binary/{one.attachments[0].client_id}"
    )


def test_status_units_are_if_match_merge_patches() -> None:
    from app.domain.workflows import Teleconsult
    from app.services.teleconsult import TeleconsultService

    service = TeleconsultService(FlakyReader(), None, clock=lambda: NOW)  # type: ignore[arg-type]
    consult = Teleconsult(
        service_request_id="sr-1",
        task_id="t-1",
        task_version="3",
        status=TeleconsultStatus.REQUESTED,
        patient_id="p",
        patient_name="P",
        requester_ref="Practitioner/a",
        performer_ref="Practitioner/b",
        reason="r",
        authored_utc=NOW,
        raw_request={"meta": {"versionId": "2"}},
    )
    rejected = service.status_unit(
        consult, TeleconsultStatus.REJECTED, actor_ref="Practitioner/b", reason=" fuori ambito "
    )
    [task] = rejected.updates
    assert (task.resource_type, task.resource_id, task.if_match) == ("Task", "t-1", 'W/"3"')
    assert task.merge_patch["status"] == "rejected"
    assert task.merge_patch["statusReason"] == {"text": "fuori ambito"}
    assert rejected.bundle()["entry"] == []
    with pytest.raises(InvalidTransition):
        service.status_unit(consult, TeleconsultStatus.COMPLETED, actor_ref="Practitioner/b")
    accepted = service.status_unit(consult, TeleconsultStatus.ACCEPTED, actor_ref="Practitioner/c")
    assert accepted.updates[0].merge_patch["owner"] == {"reference": "Practitioner/c"}
    assert "statusReason" not in accepted.updates[0].merge_patch
    done = service.status_unit(
        replace(consult, status=TeleconsultStatus.ACCEPTED),
        TeleconsultStatus.COMPLETED,
        actor_ref="Practitioner/b",
    )
    assert [(u.resource_type, u.merge_patch.get("status"), u.if_match) for u in done.updates] == [
        ("Task", "completed", 'W/"3"'),
        ("ServiceRequest", "completed", 'W/"2"'),
    ]


def test_offline_patient_matching_folds_case_and_accents() -> None:
    from app.services.patients import _matches

    patient = {
        "resourceType": "Patient",
        "name": [{"family": "Müller", "given": ["Anna", "Maria"]}],
        "identifier": [
            {"system": "http://hl7.it/sid/codiceFiscale", "value": "MLLNNA90H41Z112X"},
            {"system": "urn:oid:2.16.840.1.113883.2.9.4.3.18", "value": "ENI0303080000567"},
        ],
    }
    assert _matches(patient, IdentifierKind.NAME, "muller ann")
    assert _matches(patient, IdentifierKind.NAME, "MARIA")
    assert not _matches(patient, IdentifierKind.NAME, "muller paolo")
    assert _matches(patient, IdentifierKind.CODICE_FISCALE, "MLLNNA90H41Z112X")
    assert not _matches(patient, IdentifierKind.STP, "MLLNNA90H41Z112X")  # wrong system
    assert _matches(patient, IdentifierKind.ENI, "ENI0303080000567")
    assert _matches(patient, IdentifierKind.TEAM, "ENI0303080000567")  # any system for TEAM
