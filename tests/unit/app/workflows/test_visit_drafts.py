"""Visit report drafts: sealed on disk, survive a restart, never readable without the key."""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.domain.visit_report import RemoteService, VisitReport
from app.services.visit_drafts import (
    DraftError,
    DraftUnreadable,
    EncryptedDraftStore,
    InMemoryDraftStore,
)

START = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def _draft(**kw: object) -> VisitReport:
    base = dict(
        report_id="r-1",
        patient_ref="Patient/p1",
        patient_name="Maria Segreta",
        patient_codice_fiscale="RSSMRA85T10A562S",
        practitioner_ref="Practitioner/gp",
        practitioner_name="Dott. Verdi",
        started_at_utc=START,
        ended_at_utc=START + timedelta(minutes=20),
        service=RemoteService.TELEASSISTANCE,
        reason="Dolore toracico atipico",
        measurements=("PA 130/80 mmHg",),
    )
    base.update(kw)
    return VisitReport(**base)  # type: ignore[arg-type]


async def test_sealed_drafts_survive_a_restart_and_hide_their_content(tmp_path: Path) -> None:
    key = secrets.token_bytes(32)
    store = EncryptedDraftStore(tmp_path / "drafts", key)
    await store.save(_draft())
    await store.save(_draft(report_id="r-2", reason="Secondo"))
    await store.save(_draft(conclusions="Aggiornato"))  # overwrite in place
    files = sorted((tmp_path / "drafts").iterdir())
    assert len(files) == 2 and all(f.suffix == ".draft" for f in files)
    for f in files:
        raw = f.read_bytes()
        assert b"Maria" not in raw and b"RSSMRA" not in raw and b"toracico" not in raw
        assert "r-1" not in f.name and "r-2" not in f.name
        assert (f.stat().st_mode & 0o777) == 0o600
    assert (tmp_path / "drafts").stat().st_mode & 0o777 == 0o700

    reopened = EncryptedDraftStore(tmp_path / "drafts", key)  # a new process after a crash
    assert await reopened.list_ids() == ["r-1", "r-2"]
    assert await reopened.load("r-1") == _draft(conclusions="Aggiornato")
    assert await reopened.load("missing") is None

    wrong = EncryptedDraftStore(tmp_path / "drafts", secrets.token_bytes(32))
    assert await wrong.load("r-1") is None  # file names are keyed: not even found
    with pytest.raises(DraftUnreadable):
        wrong._open(files[0].read_bytes())
    assert await wrong.list_ids() == []  # unreadable files are skipped, and kept
    assert len(list((tmp_path / "drafts").iterdir())) == 2

    await reopened.delete("r-1")
    await reopened.delete("r-1")  # idempotent
    assert await reopened.list_ids() == ["r-2"]


async def test_swapped_or_damaged_files_are_refused(tmp_path: Path) -> None:
    key = secrets.token_bytes(32)
    store = EncryptedDraftStore(tmp_path, key)
    await store.save(_draft(report_id="a"))
    await store.save(_draft(report_id="b"))
    path_a, path_b = store._path("a"), store._path("b")
    os.replace(path_b, path_a)  # b's sealed content under a's name
    with pytest.raises(DraftUnreadable, match="another report"):
        await store.load("a")
    path_a.write_bytes(path_a.read_bytes()[:-1] + b"\x00")
    with pytest.raises(DraftUnreadable):
        await store.load("a")
    path_a.write_bytes(b"plain text")
    with pytest.raises(DraftUnreadable):
        await store.load("a")
    with pytest.raises(DraftError):
        EncryptedDraftStore(tmp_path, b"short")


async def test_in_memory_store_round_trip() -> None:
    store = InMemoryDraftStore()
    draft = _draft(signed_at_utc=START + timedelta(hours=1))
    await store.save(draft)
    assert await store.load("r-1") == draft
    assert await store.list_ids() == ["r-1"]
    await store.delete("r-1")
    assert await store.list_ids() == []


def test_draft_preview_is_marked_unsigned(tmp_path: Path) -> None:
    import shutil
    import subprocess

    from app.domain.visit_report import ReportError
    from app.services.visit_report import render_pdf

    draft = _draft(conclusions="Stabile")
    with pytest.raises(ReportError):
        render_pdf(draft)  # never for the record
    preview = tmp_path / "preview.pdf"
    preview.write_bytes(render_pdf(draft, draft_preview=True))
    signed = tmp_path / "signed.pdf"
    signed.write_bytes(render_pdf(draft.signed(START + timedelta(hours=1))))
    pdftotext = shutil.which("pdftotext")
    assert pdftotext

    def text(path: Path) -> str:
        return subprocess.run(
            [pdftotext, str(path), "-"], capture_output=True, text=True, check=True
        ).stdout

    assert "BOZZA - non firmato" in text(preview) and "Firmato da" not in text(preview)
    assert "Firmato da Dott. Verdi" in text(signed) and "BOZZA" not in text(signed)
    assert "teleassistenza" in text(preview)
