"""The visit report: PDF content, and its transaction sent 3x to the real reference backend
gives one DocumentReference whose attachment resolves to the same PDF bytes."""

from __future__ import annotations

import base64
import dataclasses
import shutil
import subprocess
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from app.domain.visit_report import ReportError, VisitReport
from app.services.visit_report import render_pdf, report_transaction
from tests.integration.regional_sim_process import regional_sim

START = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def _report(**changes: object) -> VisitReport:
    base = VisitReport(
        report_id=str(uuid.UUID(int=7)),
        patient_ref="Patient/p-test",
        patient_name="Maria Test",
        patient_codice_fiscale="RSSMRA85T10A562S",
        practitioner_ref="Practitioner/gp-test",
        practitioner_name="Dott. Luca Verdi",
        started_at_utc=START,
        ended_at_utc=START + timedelta(minutes=20),
        encounter_ref=None,
        reason="Controllo pressione arteriosa",
        history="Ipertensione nota.\nIn terapia con ACE-inibitore.",
        examination="PA 138/88 mmHg, FC 72 bpm (misurate durante la visita)",
        conclusions="Buon controllo pressorio.",
        recommended_tests="Esami ematici tra 3 mesi",
        therapy="Invariata",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_draft_cannot_be_rendered_or_sent_and_sign_checks_fields() -> None:
    draft = _report()
    with pytest.raises(ReportError):
        render_pdf(draft)
    with pytest.raises(ReportError, match="conclusions"):
        _report(conclusions=" ").signed(START)
    with pytest.raises(ReportError, match="ends before"):
        _report(ended_at_utc=START - timedelta(minutes=1)).signed(START)


def test_pdf_states_televisit_and_holds_every_section(tmp_path: Path) -> None:
    pdf = render_pdf(_report().signed(START + timedelta(minutes=21)))
    assert pdf.startswith(b"%PDF")
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "poppler-utils is installed by installers/setup.d/50-installers.sh"
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        [pdftotext, str(path), "-"], capture_output=True, text=True, timeout=30, check=True
    ).stdout
    for needle in (
        "Referto di Televisita",
        "Prestazione erogata in modalità di televisita",
        "Motivo della televisita",
        "Anamnesi",
        "Conclusioni",
        "Terapia",
        "Accertamenti consigliati",
        "RSSMRA85T10A562S",
        "Firmato da Dott. Luca Verdi",
    ):
        assert needle in text, needle


@pytest.mark.integration
def test_transaction_resent_three_times_gives_one_report(tmp_path: Path) -> None:
    report = _report().signed(START + timedelta(minutes=21))
    pdf = render_pdf(report)
    bundle = report_transaction(report, pdf)
    assert bundle == report_transaction(report, pdf)  # same bytes on every resend
    with regional_sim(tmp_path / "sim.sqlite3") as sim, httpx.Client(timeout=30) as client:
        for _ in range(3):
            r = client.post(
                sim.fhir, json=bundle, headers={"Content-Type": "application/fhir+json"}
            )
            assert r.status_code == 200, r.text
        search = client.get(
            f"{sim.fhir}/DocumentReference",
            params={"identifier": f"urn:ietf:rfc:3986|urn:uuid:{report.report_id}"},
        )
        found = [e["resource"] for e in search.json().get("entry", [])]
        assert len(found) == 1
        url = found[0]["content"][0]["attachment"]["url"]
        assert url.startswith("Binary/")
        binary = client.get(f"{sim.fhir}/{url}", headers={"Accept": "application/fhir+json"})
        assert binary.status_code == 200
        assert base64.b64decode(binary.json()["data"]) == pdf
