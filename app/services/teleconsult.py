"""Asynchronous teleconsult: request to a specialist with shared data, threaded replies, status.

FHIR R4 mapping (HL7 Italia telemedicine IGs use the same resources):

- the request is a ``ServiceRequest`` (category/code ``teleconsulto``, requester, performer,
  reason) and a ``Task`` (``focus``/``basedOn`` the request, ``owner`` the specialist) whose
  ``status`` carries the workflow state: requested -> accepted -> (in-progress) -> completed,
  or rejected/cancelled;
- every message, the request text included, is a ``Communication`` (``basedOn`` the request;
  replies point at the message they answer with ``inResponseTo``). Shared data travels as
  ``payload``: text, ``contentReference`` to Observations, and ``contentAttachment`` pointing at
  a ``Binary`` (trend snapshot PNG, documents, images) that is PUT with a client id.

Each action is one unit of work (one transaction Bundle, built completely before any I/O, made
of conditional creates on client identifiers and PUTs, so it can be resent unchanged). Status
changes PUT the Task with ``ifMatch`` on the version read; a 412 means someone else changed it:
the service rereads, checks the transition again and retries once.

Thread affinity: core loop.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from app.backend import ServerError, TransportError
from app.domain.outbox import (
    BinaryAttachment,
    OutboxUnit,
    ResourceUpdate,
    UnitKind,
)
from app.domain.telemonitoring import Reading
from app.domain.workflows import (
    SERVICE_SYSTEM,
    SharedAttachment,
    Teleconsult,
    TeleconsultMessage,
    TeleconsultStatus,
    WorkflowError,
    check_transition,
)
from app.services.clinical_data import (
    WorkflowService,
    conditional_create,
    display_name,
    make_unit,
    parse_instant,
    ref_id,
)
from app.services.patients import readings_by_parameter

ID_SYSTEM = "urn:ietf:rfc:3986"
SHARED_KIND_EXTENSION = "https://fhir.regional-sim.example/StructureDefinition/shared-data-kind"
_TELECONSULT_CODING = {"system": SERVICE_SYSTEM, "code": "teleconsulto", "display": "Teleconsulto"}


class AttachmentTooLarge(WorkflowError):
    """A shared file is larger than :attr:`SharedAttachment.MAX_BYTES`."""


class EmptyMessage(WorkflowError):
    """A request or reply without text and without shared data."""


def _binary_id(unit_id: str, index: int) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"teleconsult-binary:{unit_id}:{index}"))


def _payload(
    *,
    unit_id: str,
    text: str,
    attachments: Sequence[SharedAttachment],
    observation_ids: Sequence[str],
) -> tuple[list[dict[str, Any]], list[BinaryAttachment]]:
    """Communication payload items and the Binaries (client ids) they point at."""
    if not text.strip() and not attachments and not observation_ids:
        raise EmptyMessage("write a message or share some data")
    payload: list[dict[str, Any]] = []
    binaries: list[BinaryAttachment] = []
    if text.strip():
        payload.append({"contentString": text.strip()})
    for oid in observation_ids:
        payload.append({"contentReference": {"reference": f"Observation/{oid}"}})
    for i, att in enumerate(attachments):
        if len(att.data) > SharedAttachment.MAX_BYTES:
            raise AttachmentTooLarge(f"shared file {i + 1} is larger than 20 MB")
        bid = _binary_id(unit_id, i)
        binaries.append(
            BinaryAttachment(client_id=bid, content_type=att.content_type, data=att.data)
        )
        payload.append(
            {
                "extension": [{"url": SHARED_KIND_EXTENSION, "valueCode": att.kind.value}],
                "contentAttachment": {
                    "contentType": att.content_type,
                    "url": f"Binary/{bid}",
                    "size": len(att.data),
                    "title": att.title,
                },
            }
        )
    return payload, binaries


class TeleconsultService(WorkflowService):
    """Create, list, answer and move teleconsults."""

    # -- writes --------------------------------------------------------------------------
    def request_unit(
        self,
        *,
        request_id: uuid.UUID,
        patient_id: str,
        requester_ref: str,
        performer_ref: str,
        reason: str,
        text: str,
        attachments: Sequence[SharedAttachment] = (),
        observation_ids: Sequence[str] = (),
        priority: str = "routine",
    ) -> OutboxUnit:
        """The unit of work of a new request (ServiceRequest + Task + first Communication)."""
        if not reason.strip():
            raise EmptyMessage("the reason for the teleconsult is required")
        now = self._clock().isoformat()
        sr_url = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'tc-sr:{request_id}')}"
        task_url = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'tc-task:{request_id}')}"
        comm_url = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'tc-comm:{request_id}')}"
        ident = f"urn:uuid:{request_id}"
        payload, binaries = _payload(
            unit_id=str(request_id),
            text=text or reason,
            attachments=attachments,
            observation_ids=observation_ids,
        )
        patient = {"reference": f"Patient/{patient_id}"}
        service_request = {
            "resourceType": "ServiceRequest",
            "identifier": [{"system": ID_SYSTEM, "value": ident}],
            "status": "active",
            "intent": "order",
            "priority": priority,
            "category": [{"coding": [_TELECONSULT_CODING]}],
            "code": {"coding": [_TELECONSULT_CODING], "text": "Teleconsulto"},
            "subject": patient,
            "authoredOn": now,
            "requester": {"reference": requester_ref},
            "performer": [{"reference": performer_ref}],
            "reasonCode": [{"text": reason.strip()}],
        }
        task = {
            "resourceType": "Task",
            "identifier": [{"system": ID_SYSTEM, "value": ident}],
            "basedOn": [{"reference": sr_url}],
            "status": TeleconsultStatus.REQUESTED.value,
            "intent": "order",
            "priority": priority,
            "code": {"coding": [_TELECONSULT_CODING]},
            "focus": {"reference": sr_url},
            "for": patient,
            "authoredOn": now,
            "lastModified": now,
            "requester": {"reference": requester_ref},
            "owner": {"reference": performer_ref},
        }
        communication = self._communication(
            ident=ident,
            sr_ref=sr_url,
            patient_id=patient_id,
            sender_ref=requester_ref,
            recipient_ref=performer_ref,
            payload=payload,
            in_response_to=None,
        )
        return make_unit(
            unit_id=request_id,
            kind=UnitKind.TELECONSULT,
            patient_key=patient_id,
            entries=[
                conditional_create(service_request, full_url=sr_url, system=ID_SYSTEM, value=ident),
                conditional_create(task, full_url=task_url, system=ID_SYSTEM, value=ident),
                conditional_create(communication, full_url=comm_url, system=ID_SYSTEM, value=ident),
            ],
            attachments=binaries,
            label="Richiesta di teleconsulto",
        )

    def _communication(
        self,
        *,
        ident: str,
        sr_ref: str,
        patient_id: str,
        sender_ref: str,
        recipient_ref: str,
        payload: list[dict[str, Any]],
        in_response_to: str | None,
    ) -> dict[str, Any]:
        comm: dict[str, Any] = {
            "resourceType": "Communication",
            "identifier": [{"system": ID_SYSTEM, "value": ident}],
            "basedOn": [{"reference": sr_ref}],
            "status": "completed",
            "category": [{"coding": [_TELECONSULT_CODING]}],
            "subject": {"reference": f"Patient/{patient_id}"},
            "sent": self._clock().isoformat(),
            "sender": {"reference": sender_ref},
            "recipient": [{"reference": recipient_ref}],
            "payload": payload,
        }
        if in_response_to:
            comm["inResponseTo"] = [{"reference": in_response_to}]
        return comm

    async def request(self, **kwargs: Any) -> OutboxUnit:
        """Build :meth:`request_unit` (a new ``request_id`` unless given) and enqueue it."""
        kwargs.setdefault("request_id", uuid.uuid4())
        unit = self.request_unit(**kwargs)
        await self._require_writer().enqueue(unit)
        return unit

    def reply_unit(
        self,
        consult: Teleconsult,
        *,
        reply_id: uuid.UUID,
        sender_ref: str,
        text: str,
        attachments: Sequence[SharedAttachment] = (),
        observation_ids: Sequence[str] = (),
        in_response_to: str | None = None,
    ) -> OutboxUnit:
        """A reply in the thread, addressed to the other party."""
        payload, binaries = _payload(
            unit_id=str(reply_id),
            text=text,
            attachments=attachments,
            observation_ids=observation_ids,
        )
        recipient = (
            consult.requester_ref if sender_ref == consult.performer_ref else consult.performer_ref
        )
        target = in_response_to or (
            f"Communication/{consult.messages[-1].message_id}" if consult.messages else None
        )
        ident = f"urn:uuid:{reply_id}"
        comm = self._communication(
            ident=ident,
            sr_ref=f"ServiceRequest/{consult.service_request_id}",
            patient_id=consult.patient_id,
            sender_ref=sender_ref,
            recipient_ref=recipient,
            payload=payload,
            in_response_to=target,
        )
        return make_unit(
            unit_id=reply_id,
            kind=UnitKind.TELECONSULT,
            patient_key=consult.patient_id,
            entries=[conditional_create(comm, full_url=ident, system=ID_SYSTEM, value=ident)],
            attachments=binaries,
            label="Risposta a teleconsulto",
        )

    async def reply(self, consult: Teleconsult, **kwargs: Any) -> OutboxUnit:
        """Build :meth:`reply_unit` (a new ``reply_id`` unless given) and enqueue it."""
        kwargs.setdefault("reply_id", uuid.uuid4())
        unit = self.reply_unit(consult, **kwargs)
        await self._require_writer().enqueue(unit)
        return unit

    async def set_status(
        self,
        consult: Teleconsult,
        status: TeleconsultStatus,
        *,
        actor_ref: str,
        reason: str = "",
    ) -> OutboxUnit:
        """Move the Task to ``status``; completing also completes the ServiceRequest.
        ``reason`` (e.g. why a request is rejected) goes to ``Task.statusReason``.

        The transition is checked against the freshest copy readable now (the backend's when
        online), then sent as If-Match merge patches on the versions read.

        Raises :class:`app.domain.workflows.InvalidTransition` (also when someone else moved
        it first and the change no longer applies).
        """
        check_transition(consult.status, status)
        try:
            fresh = await self.load(consult.task_id)
        except (TransportError, ServerError):  # offline: the copy the user saw is all we have
            fresh = consult
        check_transition(fresh.status, status)
        unit = self.status_unit(fresh, status, actor_ref=actor_ref, reason=reason)
        await self._require_writer().enqueue(unit)
        return unit

    def status_unit(
        self,
        consult: Teleconsult,
        status: TeleconsultStatus,
        *,
        actor_ref: str,
        reason: str = "",
        unit_id: uuid.UUID | None = None,
    ) -> OutboxUnit:
        """The status change as If-Match merge patches of the Task (and ServiceRequest)."""
        check_transition(consult.status, status)
        task_patch: dict[str, Any] = {
            "status": status.value,
            "lastModified": self._clock().isoformat(),
        }
        if reason.strip():
            task_patch["statusReason"] = {"text": reason.strip()}
        if status is TeleconsultStatus.ACCEPTED:
            task_patch["owner"] = {"reference": actor_ref}
        updates = [
            ResourceUpdate(
                "Task",
                consult.task_id,
                task_patch,
                if_match=f'W/"{consult.task_version}"' if consult.task_version else None,
            )
        ]
        if status in (TeleconsultStatus.COMPLETED, TeleconsultStatus.CANCELLED):
            sr_status = "completed" if status is TeleconsultStatus.COMPLETED else "revoked"
            version = (consult.raw_request.get("meta") or {}).get("versionId")
            updates.append(
                ResourceUpdate(
                    "ServiceRequest",
                    consult.service_request_id,
                    {"status": sr_status},
                    if_match=f'W/"{version}"' if version else None,
                )
            )
        return make_unit(
            unit_id=unit_id or uuid.uuid4(),
            kind=UnitKind.TELECONSULT,
            patient_key=consult.patient_id,
            entries=[],
            updates=updates,
            label="Stato del teleconsulto",
        )

    # -- reads ---------------------------------------------------------------------------
    async def list_for(self, practitioner_ref: str, *, incoming: bool = True) -> list[Teleconsult]:
        """Teleconsults owned by (``incoming``) or requested by the practitioner, newest first."""
        params = {"owner" if incoming else "requester": practitioner_ref}
        params["code"] = f"{SERVICE_SYSTEM}|teleconsulto"
        tasks = await self._reader.search("Task", params, include=["Task:focus", "Task:patient"])
        consults = await self._assemble(tasks.matches, tasks.included)
        return sorted(consults, key=lambda c: c.authored_utc or self._clock(), reverse=True)

    async def load(self, task_id: str) -> Teleconsult:
        """One teleconsult with its whole thread."""
        tasks = await self._reader.search(
            "Task", {"_id": task_id}, include=["Task:focus", "Task:patient"]
        )
        if not tasks.matches:
            raise WorkflowError("the teleconsult no longer exists")
        return (await self._assemble(tasks.matches, tasks.included))[0]

    async def attachment(self, url: str) -> bytes:
        """The bytes of a shared file (``Binary/id``)."""
        bid = ref_id({"reference": url}, "Binary")
        if bid is None:
            raise WorkflowError("only shared files stored on the regional backend can be opened")
        binary = await self._reader.read("Binary", bid)
        return base64.b64decode(str(binary.get("data") or ""))

    async def _assemble(
        self, tasks: Sequence[Mapping[str, Any]], included: Sequence[Mapping[str, Any]]
    ) -> list[Teleconsult]:
        requests = {
            str(r.get("id")): r for r in included if r.get("resourceType") == "ServiceRequest"
        }
        patients = {str(r.get("id")): r for r in included if r.get("resourceType") == "Patient"}
        sr_ids = sorted(
            {sid for t in tasks if (sid := ref_id(t.get("focus"), "ServiceRequest")) is not None}
        )
        comms: Sequence[Mapping[str, Any]] = []
        if sr_ids:
            found = await self._reader.search(
                "Communication",
                {"based-on": ",".join(f"ServiceRequest/{s}" for s in sr_ids), "_sort": "sent"},
            )
            comms = found.matches
        people_refs = {
            str((c.get("sender") or {}).get("reference")) for c in comms if c.get("sender")
        }
        names = await self._practitioner_names(people_refs)
        shared = await self._shared_readings(comms)
        out = []
        for t in tasks:
            sid = ref_id(t.get("focus"), "ServiceRequest") or ""
            sr = requests.get(sid, {})
            pid = ref_id(t.get("for"), "Patient") or ""
            try:
                status = TeleconsultStatus(str(t.get("status")))
            except ValueError:
                continue
            thread = tuple(
                _message(c, names, shared)
                for c in comms
                if any(ref_id(b, "ServiceRequest") == sid for b in c.get("basedOn") or [])
            )
            reasons = [str(r.get("text")) for r in sr.get("reasonCode") or [] if r.get("text")]
            consult = Teleconsult(
                service_request_id=sid,
                task_id=str(t.get("id")),
                task_version=(t.get("meta") or {}).get("versionId"),
                status=status,
                patient_id=pid,
                patient_name=display_name(patients[pid]) if pid in patients else pid,
                requester_ref=str((t.get("requester") or {}).get("reference") or ""),
                performer_ref=str((t.get("owner") or {}).get("reference") or ""),
                reason=reasons[0] if reasons else str((sr.get("code") or {}).get("text") or ""),
                authored_utc=parse_instant(t.get("authoredOn")),
                priority=str(t.get("priority") or "routine"),
                messages=thread,
            )
            out.append(replace(consult, raw_task=dict(t), raw_request=dict(sr)))
        return out

    async def _shared_readings(
        self, comms: Sequence[Mapping[str, Any]]
    ) -> dict[str, tuple[Reading, ...]]:
        """The readings of every Observation shared in the thread, by Observation id."""
        ids = sorted(
            {
                oid
                for c in comms
                for item in c.get("payload") or []
                if (oid := ref_id(item.get("contentReference"), "Observation")) is not None
            }
        )
        if not ids:
            return {}
        found = await self._reader.search("Observation", {"_id": ",".join(ids)})
        out: dict[str, tuple[Reading, ...]] = {}
        for obs in found.matches:
            readings = readings_by_parameter([obs])
            out[str(obs.get("id"))] = tuple(r for rs in readings.values() for r in rs)
        return out

    async def _practitioner_names(self, refs: Iterable[str]) -> dict[str, str]:
        ids = sorted({r.split("/", 1)[1] for r in refs if r.startswith("Practitioner/")})
        if not ids:
            return {}
        found = await self._reader.search("Practitioner", {"_id": ",".join(ids)})
        return {
            f"Practitioner/{p.get('id')}": display_name(p, with_prefix=True) for p in found.matches
        }


def _message(
    comm: Mapping[str, Any],
    names: Mapping[str, str],
    shared: Mapping[str, tuple[Reading, ...]],
) -> TeleconsultMessage:
    texts: list[str] = []
    files: list[tuple[str, str, str]] = []
    readings: list[Reading] = []
    for item in comm.get("payload") or []:
        if "contentString" in item:
            texts.append(str(item["contentString"]))
        elif "contentAttachment" in item:
            att = item["contentAttachment"]
            files.append(
                (
                    str(att.get("title") or ""),
                    str(att.get("contentType") or ""),
                    str(att.get("url") or ""),
                )
            )
        elif "contentReference" in item:
            oid = ref_id(item["contentReference"], "Observation")
            if oid is not None and oid in shared:
                readings.extend(shared[oid])
            else:  # not readable here (another type, or gone): keep the reference
                ref = str((item["contentReference"] or {}).get("reference") or "")
                files.append((ref, "application/fhir+json", ref))
    sender = str((comm.get("sender") or {}).get("reference") or "")
    replied = [str(r.get("reference")) for r in comm.get("inResponseTo") or []]
    return TeleconsultMessage(
        message_id=str(comm.get("id")),
        sender_ref=sender,
        sender_name=names.get(sender, sender),
        sent_utc=parse_instant(comm.get("sent")),
        text="\n".join(texts),
        in_response_to=replied[0] if replied else None,
        attachments=tuple(files),
        readings=tuple(sorted(readings, key=lambda r: (r.time_utc, r.parameter.key))),
    )
