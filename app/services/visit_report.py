"""Render the Referto di Televisita to PDF and build its FHIR transaction for the outbox.

The Binary gets a client id and is PUT (never POSTed, DESIGN §4); the DocumentReference is a
conditional create on its identifier (the report id), so a resent bundle never duplicates.
Thread affinity: pure functions; call :func:`render_pdf` off the core loop (``to_thread``) for
long reports.
"""

from __future__ import annotations

import base64
import hashlib
import io
import uuid
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.backend import fhirjson
from app.domain.outbox import BinaryAttachment, OutboxUnit, ResourceUpdate, UnitKind
from app.domain.telemonitoring import Parameter, Reading
from app.domain.visit_report import (
    LOINC_TELEVISIT_REPORT,
    REMOTE_STATEMENT_IT,
    ReportError,
    VisitReport,
)

REPORT_ID_SYSTEM = "urn:ietf:rfc:3986"


def _fmt(dt_value: Any) -> str:
    return dt_value.astimezone().strftime("%d/%m/%Y %H:%M") if dt_value else "-"


#: Italian names of the parameters, as the report (which goes to the FSE) writes them.
PARAMETER_NAMES_IT: dict[Parameter, str] = {
    Parameter.SYSTOLIC_BP: "Pressione arteriosa sistolica",
    Parameter.DIASTOLIC_BP: "Pressione arteriosa diastolica",
    Parameter.HEART_RATE: "Frequenza cardiaca",
    Parameter.SPO2: "Saturazione di ossigeno (SpO2)",
    Parameter.WEIGHT: "Peso corporeo",
    Parameter.GLUCOSE: "Glicemia",
    Parameter.TEMPERATURE: "Temperatura corporea",
    Parameter.RESPIRATORY_RATE: "Frequenza respiratoria",
}
_UNITS_IT = {"mm[Hg]": "mmHg", "Cel": "°C", "/min": "/min"}


def measurement_line(reading: Reading) -> str:
    """One measured parameter as the report lists it (Italian, local time)."""
    value = f"{reading.value:g}".replace(".", ",")
    unit = _UNITS_IT.get(reading.parameter.ucum_unit, reading.parameter.ucum_unit)
    return f"{PARAMETER_NAMES_IT[reading.parameter]}: {value} {unit} ({_fmt(reading.time_utc)})"


def render_pdf(report: VisitReport, *, draft_preview: bool = False) -> bytes:
    """A4 PDF of a signed report; raises :class:`ReportError` for a draft.

    With ``draft_preview`` an unsigned report is rendered for the clinician's preview, marked
    "BOZZA - non firmato" instead of the signature line (never sent).
    """
    if report.signed_at_utc is None and not draft_preview:
        raise ReportError("only a signed report is rendered for the patient's record")
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title="Referto di Televisita" + (" (bozza)" if report.signed_at_utc is None else ""),
        author=report.practitioner_name,
        subject=f"LOINC {LOINC_TELEVISIT_REPORT}",
    )
    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["BodyText"], fontSize=10, leading=13)
    heading = ParagraphStyle("h", parent=styles["Heading3"], spaceBefore=8, spaceAfter=2)
    story: list[Any] = [
        Paragraph("Referto di Televisita", styles["Title"]),
        Paragraph(escape(REMOTE_STATEMENT_IT[report.service]), body),
        Spacer(1, 4 * mm),
    ]
    header = [
        ["Paziente", report.patient_name],
        ["Codice fiscale", report.patient_codice_fiscale],
        ["Medico", report.practitioner_name],
        ["Inizio", _fmt(report.started_at_utc)],
        ["Fine", _fmt(report.ended_at_utc)],
    ]
    table = Table(header, colWidths=[40 * mm, 120 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (0, -1), "Helvetica-Bold"),
                ("FONTSIZE", (0, 0), (-1, -1), 10),
                ("LINEBELOW", (0, -1), (-1, -1), 0.5, colors.grey),
            ]
        )
    )
    story.append(table)
    for title, text in report.sections():
        story.append(Paragraph(escape(title), heading))
        paragraphs = [p for p in text.strip().split("\n") if p.strip()] or ["-"]
        story.extend(Paragraph(escape(p), body) for p in paragraphs)
    if report.measurements:
        story.append(Paragraph("Parametri rilevati durante la televisita", heading))
        story.extend(Paragraph(escape(m), body) for m in report.measurements)
    story.append(Spacer(1, 6 * mm))
    signature = (
        f"Firmato da {report.practitioner_name} il {_fmt(report.signed_at_utc)}"
        if report.signed_at_utc is not None
        else "BOZZA - non firmato"
    )
    story.append(Paragraph(escape(signature), body))
    doc.build(story)
    return buf.getvalue()


def report_transaction(report: VisitReport, pdf: bytes) -> dict[str, Any]:
    """The transaction Bundle (Binary PUT + conditional DocumentReference) for the outbox.

    Deterministic for a given report and PDF: the same bytes are resent after any failure.
    """
    if report.signed_at_utc is None:
        raise ReportError("a draft is not sent")
    binary_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"report-binary:{report.report_id}"))
    doc_fullurl = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'report-doc:{report.report_id}')}"
    identifier_value = f"urn:uuid:{report.report_id}"
    document_reference: dict[str, Any] = {
        "resourceType": "DocumentReference",
        "identifier": [{"system": REPORT_ID_SYSTEM, "value": identifier_value}],
        "status": "current",
        "docStatus": "final",
        "type": {
            "coding": [
                {
                    "system": "http://loinc.org",
                    "code": LOINC_TELEVISIT_REPORT,
                    "display": "Telehealth Consult note",
                }
            ],
            "text": "Referto di Televisita",
        },
        "subject": {"reference": report.patient_ref},
        "date": report.signed_at_utc.isoformat(),
        "author": [{"reference": report.practitioner_ref}],
        "description": REMOTE_STATEMENT_IT[report.service],
        "content": [
            {
                "attachment": {
                    "contentType": "application/pdf",
                    "language": "it-IT",
                    "url": f"Binary/{binary_id}",
                    "size": len(pdf),
                    "hash": base64.b64encode(hashlib.sha1(pdf).digest()).decode(),  # noqa: S324  FHIR Attachment.hash is SHA-1 by definition
                    "title": "Referto di Televisita",
                    "creation": report.signed_at_utc.isoformat(),
                }
            }
        ],
    }
    if report.encounter_ref:
        document_reference["context"] = {
            "encounter": [{"reference": report.encounter_ref}],
            "period": {
                "start": report.started_at_utc.isoformat(),
                "end": report.ended_at_utc.isoformat(),
            },
        }
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "resource": {
                    "resourceType": "Binary",
                    "id": binary_id,
                    "contentType": "application/pdf",
                    "data": base64.b64encode(pdf).decode(),
                },
                "request": {"method": "PUT", "url": f"Binary/{binary_id}"},
            },
            {
                "fullUrl": doc_fullurl,
                "resource": document_reference,
                "request": {
                    "method": "POST",
                    "url": "DocumentReference",
                    "ifNoneExist": f"identifier={REPORT_ID_SYSTEM}|{identifier_value}",
                },
            },
        ],
    }


def report_unit(
    report: VisitReport, pdf: bytes, *, appointment_ref: str | None = None
) -> OutboxUnit:
    """The signed report as an outbox unit: the PDF as a Binary attachment (PUT with its client
    id, streamed from the encrypted store) and the DocumentReference as a conditional create.
    With ``appointment_ref`` (``Appointment/<id>``) the booked visit is marked fulfilled.

    The unit id derives from the report id, so enqueueing the same report twice is a no-op.
    """
    bundle = report_transaction(report, pdf)
    binary_entry, *rest = bundle["entry"]
    binary = binary_entry["resource"]
    bundle["entry"] = rest
    return OutboxUnit(
        unit_id=uuid.uuid5(uuid.NAMESPACE_URL, f"visit-report-unit:{report.report_id}"),
        kind=UnitKind.VISIT,
        patient_key=report.patient_ref.rsplit("/", 1)[-1],
        bundle_json=fhirjson.dumps(bundle),
        attachments=(
            BinaryAttachment(client_id=binary["id"], content_type="application/pdf", data=pdf),
        ),
        updates=(
            (
                ResourceUpdate(
                    "Appointment", appointment_ref.split("/", 1)[1], {"status": "fulfilled"}
                ),
            )
            if appointment_ref and appointment_ref.startswith("Appointment/")
            else ()
        ),
        label="Referto di televisita",
    )
