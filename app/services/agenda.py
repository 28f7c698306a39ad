"""The worklist of one practitioner: today's appointments, teleconsults to answer, alerts.

Sources (FHIR R4): ``Appointment`` where the practitioner is an actor on the day (Italian
time), ``Task`` (teleconsult) owned by the practitioner and still open, and active ``Flag``
alerts of the patients the practitioner follows (general practitioner, care plan author or
contributor). Reads go through a :class:`ResourceReader`, so with a :class:`CachingReader`
the agenda still opens offline from the last saved copy.

Thread affinity: core loop.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from app.domain.outbox import OutboxUnit, ResourceUpdate, UnitKind
from app.domain.workflows import (
    SERVICE_SYSTEM,
    Agenda,
    AgendaItem,
    AgendaItemKind,
    WorkflowError,
)
from app.events import Event
from app.services.alerts import acknowledgement, flag_to_alert
from app.services.clinical_data import (
    ITALY,
    OFFLINE_ERRORS,
    PulledResources,
    WorkflowService,
    display_name,
    make_unit,
    parse_instant,
    ref_id,
)


@dataclass(frozen=True, slots=True)
class CallDidRequest(Event):
    """The user asked to start the video call of an agenda item (the calls area picks it up).

    Ids only (no health data): ``resource_ref`` is the Appointment or Flag of the row.
    """

    kind: AgendaItemKind
    patient_id: str
    resource_ref: str


OPEN_TASK_STATUSES = ("requested", "received", "accepted", "in-progress")
_CLOSED_APPOINTMENTS = frozenset({"cancelled", "noshow", "entered-in-error"})


def _service_kind(appointment: Mapping[str, Any]) -> AgendaItemKind | None:
    for concept in appointment.get("serviceType") or []:
        for coding in concept.get("coding") or []:
            if coding.get("system") == SERVICE_SYSTEM:
                try:
                    return AgendaItemKind(str(coding.get("code")))
                except ValueError:
                    return None
    return None


class AgendaService(WorkflowService):
    """Builds :class:`Agenda` values from a :class:`ResourceReader`; acknowledges alerts."""

    async def acknowledge(self, item: AgendaItem, *, practitioner_ref: str) -> OutboxUnit:
        """Acknowledge an alert row: the Flag becomes inactive, ended now, authored by me.

        Sent as an If-Match merge patch of the Flag as read (the sync layer re-applies it on
        412). Raises :class:`WorkflowError` for rows that are not alerts.
        """
        if item.kind is not AgendaItemKind.ALERT:
            raise WorkflowError("only alerts can be acknowledged")
        flag_id = item.resource_ref.split("/", 1)[1]
        flag = await self._reader.read("Flag", flag_id)
        alert = flag_to_alert(flag)
        if alert is None:
            raise WorkflowError("the alert cannot be read")
        request = acknowledgement(
            alert, practitioner_reference=practitioner_ref, at_utc=self._clock()
        )
        patch = {k: request.body[k] for k in ("status", "period", "author")}
        unit = make_unit(
            unit_id=uuid.uuid4(),
            kind=UnitKind.MEASUREMENT,
            patient_key=item.patient_id,
            entries=[],
            updates=[
                ResourceUpdate(
                    "Flag",
                    flag_id,
                    patch,
                    if_match=f'W/"{request.version_id}"' if request.version_id else None,
                )
            ],
            label="Presa visione allarme",
        )
        await self._require_writer().enqueue(unit)
        return unit

    def today(self) -> date:
        return self._clock().astimezone(ITALY).date()

    async def load(self, practitioner_ref: str, day: date | None = None) -> Agenda:
        """The agenda of ``practitioner_ref`` (``Practitioner/id``) on ``day`` (Italian date).

        Offline it is the last saved answer; without one, the sync worker's pulled copy (if
        any). Raises the reader's errors (e.g. :class:`app.backend.TransportError`) when there
        is neither.
        """
        day = day or self.today()
        start = datetime.combine(day, time.min, ITALY)
        end = start + timedelta(days=1)
        try:
            return await self._load_online(practitioner_ref, day, start, end)
        except OFFLINE_ERRORS:
            if self._pulled is None:
                raise
            pulled = await self._from_pulled(practitioner_ref, day, start, end, self._pulled)
            if pulled is None:
                raise
            return pulled

    async def _from_pulled(
        self,
        practitioner_ref: str,
        day: date,
        start: datetime,
        end: datetime,
        pulled: PulledResources,
    ) -> Agenda | None:
        """The agenda built from the pulled copy (None if nothing was ever pulled)."""
        when = await pulled.pulled_at_utc()
        if when is None:
            return None
        appointments = [
            a
            for a in await pulled.resources("Appointment")
            if any(
                (p.get("actor") or {}).get("reference") == practitioner_ref
                for p in a.get("participant") or []
            )
            and (t := parse_instant(a.get("start"))) is not None
            and start <= t < end
        ]
        appointments.sort(key=lambda a: parse_instant(a.get("start")) or start)
        tasks = [
            t
            for t in await pulled.resources("Task")
            if (t.get("owner") or {}).get("reference") == practitioner_ref
            and t.get("status") in OPEN_TASK_STATUSES
        ]
        flags = [f for f in await pulled.resources("Flag") if f.get("status") == "active"]
        plans = [p for p in await pulled.resources("CarePlan") if p.get("status") == "active"]
        patients = _by_id(await pulled.resources("Patient"), "Patient")
        requests = _by_id(await pulled.resources("ServiceRequest"), "ServiceRequest")
        items = [
            *self._appointment_items(appointments, patients),
            *self._task_items(tasks, patients, requests),
            *self._flag_items(
                flags, patients, _followed_patients(practitioner_ref, patients.values(), plans)
            ),
        ]
        items.sort(key=AgendaItem.sort_key)
        return Agenda(practitioner_ref, day, tuple(items), when, from_cache=True)

    async def _load_online(
        self, practitioner_ref: str, day: date, start: datetime, end: datetime
    ) -> Agenda:
        appointments = await self._reader.search(
            "Appointment",
            {
                "actor": practitioner_ref,
                "date": [f"ge{start.isoformat()}", f"lt{end.isoformat()}"],
                "_sort": "date",
            },
            include=["Appointment:patient"],
        )
        tasks = await self._reader.search(
            "Task",
            {
                "owner": practitioner_ref,
                "status": ",".join(OPEN_TASK_STATUSES),
                "code": f"{SERVICE_SYSTEM}|teleconsulto",
            },
            include=["Task:patient", "Task:focus"],
        )
        flags = await self._reader.search("Flag", {"status": "active"}, include=["Flag:patient"])
        plans = await self._reader.search("CarePlan", {"status": "active"})
        items: list[AgendaItem] = []
        patients = _by_id([*appointments.included, *tasks.included, *flags.included], "Patient")
        items.extend(self._appointment_items(appointments.matches, patients))
        requests = _by_id(tasks.included, "ServiceRequest")
        items.extend(self._task_items(tasks.matches, patients, requests))
        followed = _followed_patients(practitioner_ref, patients.values(), plans.matches)
        items.extend(self._flag_items(flags.matches, patients, followed))
        items.sort(key=AgendaItem.sort_key)
        from_cache = any(r.from_cache for r in (appointments, tasks, flags, plans))
        fetched = min(r.fetched_at_utc for r in (appointments, tasks, flags, plans))
        return Agenda(practitioner_ref, day, tuple(items), fetched, from_cache)

    @staticmethod
    def _appointment_items(
        appointments: Iterable[Mapping[str, Any]], patients: Mapping[str, Mapping[str, Any]]
    ) -> Iterable[AgendaItem]:
        for appt in appointments:
            if appt.get("status") in _CLOSED_APPOINTMENTS:
                continue
            kind = _service_kind(appt) or AgendaItemKind.TELEVISIT
            pid = next(
                (
                    ref_id(p.get("actor"), "Patient")
                    for p in appt.get("participant") or []
                    if ref_id(p.get("actor"), "Patient")
                ),
                None,
            )
            patient = patients.get(pid or "")
            yield AgendaItem(
                kind=kind,
                resource_ref=f"Appointment/{appt.get('id')}",
                patient_id=pid,
                patient_name=display_name(patient) if patient else (pid or ""),
                status=str(appt.get("status", "")),
                start_utc=parse_instant(appt.get("start")),
                end_utc=parse_instant(appt.get("end")),
                description=str(appt.get("description") or ""),
            )

    @staticmethod
    def _task_items(
        tasks: Iterable[Mapping[str, Any]],
        patients: Mapping[str, Mapping[str, Any]],
        requests: Mapping[str, Mapping[str, Any]],
    ) -> Iterable[AgendaItem]:
        for task in tasks:
            pid = ref_id(task.get("for"), "Patient")
            patient = patients.get(pid or "")
            sr = requests.get(ref_id(task.get("focus"), "ServiceRequest") or "")
            reason = ""
            if sr is not None:
                reason = str((sr.get("code") or {}).get("text") or "")
                texts = [str(r.get("text")) for r in sr.get("reasonCode") or [] if r.get("text")]
                if texts:
                    reason = f"{reason}: {texts[0]}" if reason else texts[0]
            yield AgendaItem(
                kind=AgendaItemKind.TELECONSULT,
                resource_ref=f"Task/{task.get('id')}",
                patient_id=pid,
                patient_name=display_name(patient) if patient else (pid or ""),
                status=str(task.get("status", "")),
                start_utc=parse_instant(task.get("authoredOn")),
                description=reason or str(task.get("description") or ""),
                priority=str(task.get("priority") or "routine"),
            )

    @staticmethod
    def _flag_items(
        flags: Iterable[Mapping[str, Any]],
        patients: Mapping[str, Mapping[str, Any]],
        followed: set[str],
    ) -> Iterable[AgendaItem]:
        for flag in flags:
            pid = ref_id(flag.get("subject"), "Patient")
            if pid is None or pid not in followed:
                continue
            patient = patients.get(pid)
            yield AgendaItem(
                kind=AgendaItemKind.ALERT,
                resource_ref=f"Flag/{flag.get('id')}",
                patient_id=pid,
                patient_name=display_name(patient) if patient else pid,
                status=str(flag.get("status", "")),
                start_utc=parse_instant((flag.get("period") or {}).get("start")),
                description=str((flag.get("code") or {}).get("text") or ""),
                priority="urgent",
            )


def _by_id(resources: Iterable[Mapping[str, Any]], resource_type: str) -> dict[str, Any]:
    return {str(r.get("id")): r for r in resources if r.get("resourceType") == resource_type}


def _followed_patients(
    practitioner_ref: str,
    patients: Iterable[Mapping[str, Any]],
    plans: Iterable[Mapping[str, Any]],
) -> set[str]:
    """Patients whose GP is the practitioner, or whose active care plan names them."""
    pract_id = practitioner_ref.rsplit("/", 1)[-1]
    out: set[str] = set()
    for p in patients:
        if any(ref_id(gp, "Practitioner") == pract_id for gp in p.get("generalPractitioner") or []):
            out.add(str(p.get("id")))
    for plan in plans:
        people = [plan.get("author"), *(plan.get("contributor") or [])]
        if any(ref_id(r, "Practitioner") == pract_id for r in people):
            pid = ref_id(plan.get("subject"), "Patient")
            if pid:
                out.add(pid)
    return out
