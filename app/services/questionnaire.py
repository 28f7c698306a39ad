"""Satisfaction questionnaire at the end of a visit (FHIR Questionnaire/QuestionnaireResponse).

The regional backend publishes the questionnaire (``SATISFACTION_URL``); the workstation reads
it, checks the answers against it (required items, answer types, allowed options) and writes a
``QuestionnaireResponse`` as one unit of work (conditional create on its client identifier).

Thread affinity: core loop (the parsing and validation helpers are pure).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from app.domain.outbox import OutboxUnit, UnitKind
from app.domain.workflows import (
    CANONICAL_BASE,
    AnswerOption,
    InvalidAnswers,
    Question,
    QuestionnaireForm,
    QuestionType,
    WorkflowError,
)
from app.services.clinical_data import (
    WorkflowService,
    conditional_create,
    make_unit,
)

SATISFACTION_URL = f"{CANONICAL_BASE}/Questionnaire/soddisfazione-televisita"
ID_SYSTEM = "urn:ietf:rfc:3986"

Answer = AnswerOption | bool | str | int | None


class QuestionnaireNotFound(WorkflowError):
    """No active Questionnaire with the given canonical URL."""


def parse_questionnaire(resource: Mapping[str, Any]) -> QuestionnaireForm:
    """The questions of a FHIR Questionnaire (flat list; groups are flattened in order)."""
    questions: list[Question] = []

    def walk(items: Any) -> None:
        for item in items or []:
            kind = str(item.get("type"))
            if kind == "group":
                walk(item.get("item"))
                continue
            if kind == "display":
                continue
            try:
                qtype = QuestionType(kind)
            except ValueError as exc:
                raise WorkflowError(f"unsupported question type {kind!r}") from exc
            options = tuple(
                AnswerOption(
                    str(o["valueCoding"].get("system") or ""),
                    str(o["valueCoding"].get("code")),
                    str(o["valueCoding"].get("display") or o["valueCoding"].get("code")),
                )
                for o in item.get("answerOption") or []
                if "valueCoding" in o
            )
            questions.append(
                Question(
                    link_id=str(item.get("linkId")),
                    text=str(item.get("text") or ""),
                    type=qtype,
                    required=bool(item.get("required", False)),
                    options=options,
                )
            )

    walk(resource.get("item"))
    return QuestionnaireForm(
        url=str(resource.get("url") or ""),
        version=resource.get("version"),
        title=str(resource.get("title") or resource.get("name") or ""),
        questions=tuple(questions),
        resource_id=resource.get("id"),
    )


def check_answers(form: QuestionnaireForm, answers: Mapping[str, Answer]) -> None:
    """Raise :class:`InvalidAnswers` naming every question whose answer does not fit."""
    known = {q.link_id for q in form.questions}
    bad: list[str] = [k for k in answers if k not in known]
    for q in form.questions:
        value = answers.get(q.link_id)
        if value is None or (isinstance(value, str) and not value.strip()):
            if q.required:
                bad.append(q.link_id)
            continue
        ok = {
            QuestionType.CHOICE: isinstance(value, AnswerOption) and value in q.options,
            QuestionType.BOOLEAN: isinstance(value, bool),
            QuestionType.TEXT: isinstance(value, str),
            QuestionType.STRING: isinstance(value, str) and "\n" not in value,
            QuestionType.INTEGER: isinstance(value, int) and not isinstance(value, bool),
        }[q.type]
        if not ok:
            bad.append(q.link_id)
    if bad:
        raise InvalidAnswers("some answers are missing or do not fit the question", tuple(bad))


def _answer(value: Answer) -> dict[str, Any]:
    if isinstance(value, AnswerOption):
        return {
            "valueCoding": {"system": value.system, "code": value.code, "display": value.display}
        }
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int):
        return {"valueInteger": value}
    return {"valueString": str(value).strip()}


class QuestionnaireService(WorkflowService):
    """Load questionnaires and record responses."""

    async def load(self, url: str = SATISFACTION_URL) -> QuestionnaireForm:
        """The active questionnaire with canonical ``url``; raises :class:`QuestionnaireNotFound`."""
        found = await self._reader.search("Questionnaire", {"url": url, "status": "active"})
        if not found.matches:
            raise QuestionnaireNotFound("the satisfaction questionnaire is not published")
        return parse_questionnaire(found.matches[0])

    def response_unit(
        self,
        form: QuestionnaireForm,
        answers: Mapping[str, Answer],
        *,
        patient_id: str,
        author_ref: str,
        encounter_ref: str | None = None,
        based_on_ref: str | None = None,
        source_is_patient: bool = True,
        response_id: uuid.UUID | None = None,
    ) -> OutboxUnit:
        """A completed QuestionnaireResponse; raises :class:`InvalidAnswers` first."""
        check_answers(form, answers)
        rid = response_id or uuid.uuid4()
        ident = f"urn:uuid:{rid}"
        canonical = f"{form.url}|{form.version}" if form.version else form.url
        response: dict[str, Any] = {
            "resourceType": "QuestionnaireResponse",
            "identifier": {"system": ID_SYSTEM, "value": ident},
            "questionnaire": canonical,
            "status": "completed",
            "subject": {"reference": f"Patient/{patient_id}"},
            "authored": self._clock().isoformat(),
            "author": {"reference": author_ref},
            "source": {"reference": f"Patient/{patient_id}" if source_is_patient else author_ref},
            "item": [
                {
                    "linkId": q.link_id,
                    "text": q.text,
                    "answer": [_answer(answers[q.link_id])],
                }
                for q in form.questions
                if answers.get(q.link_id) is not None
                and not (
                    isinstance(answers[q.link_id], str) and not str(answers[q.link_id]).strip()
                )
            ],
        }
        if encounter_ref:
            response["encounter"] = {"reference": encounter_ref}
        if based_on_ref:
            response["basedOn"] = [{"reference": based_on_ref}]
        return make_unit(
            unit_id=rid,
            kind=UnitKind.VISIT,
            patient_key=patient_id,
            entries=[conditional_create(response, full_url=ident, system=ID_SYSTEM, value=ident)],
            label="Questionario di soddisfazione",
        )

    async def submit(
        self, form: QuestionnaireForm, answers: Mapping[str, Answer], **kw: Any
    ) -> OutboxUnit:
        """Build :meth:`response_unit` and enqueue it."""
        unit = self.response_unit(form, answers, **kw)
        await self._require_writer().enqueue(unit)
        return unit
