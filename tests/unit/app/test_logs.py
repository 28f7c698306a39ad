from __future__ import annotations

import logging
from pathlib import Path

import pytest

from app.crash import write_report
from app.logs import HealthDataFilter, configure_logging, safe, scrub

NAME = "Mario Rossi"
CF = "RSSMRA80A01H501U"
CF_OMOCODIA = "RSSMRA80A01H5LMU"


@pytest.fixture
def file_log(tmp_path: Path):
    handler = configure_logging(tmp_path, level="DEBUG")
    yield tmp_path / "workstation.log"
    logging.getLogger().removeHandler(handler)
    handler.close()


def _read(path: Path) -> str:
    for h in logging.getLogger().handlers:
        h.flush()
    return path.read_text(encoding="utf-8")


def test_patient_name_and_codice_fiscale_in_arguments_never_reach_the_file(file_log: Path) -> None:
    log = logging.getLogger("app.services.visit")
    log.info("opened patient %s with cf %s", NAME, CF)
    log.warning("reading %(value)s for %(who)s", {"value": 182, "who": NAME})
    text = _read(file_log)
    assert "opened patient <redacted> with cf <redacted>" in text
    assert "reading <redacted> for <redacted>" in text
    assert NAME not in text and "Rossi" not in text
    assert CF not in text and "182" not in text


def test_codice_fiscale_written_into_the_template_is_scrubbed(file_log: Path) -> None:
    logging.getLogger("x").error(f"bad lookup {CF} / {CF_OMOCODIA.lower()} mario@example.it")
    text = _read(file_log)
    assert CF not in text and CF_OMOCODIA.lower() not in text and "mario@example.it" not in text
    assert text.count("<redacted>") == 3


def test_exception_messages_are_dropped_but_types_and_frames_kept(file_log: Path) -> None:
    def lookup() -> None:
        raise ValueError(f"no patient {NAME} {CF}")

    try:
        lookup()
    except ValueError:
        logging.getLogger("x").exception("lookup failed")
    text = _read(file_log)
    assert "builtins.ValueError: <redacted>" in text
    assert "in lookup" in text
    assert NAME not in text and CF not in text


def test_safe_values_are_logged(file_log: Path) -> None:
    logging.getLogger("x").info("queue depth %s state %s", safe(12), safe("online"))
    assert "queue depth 12 state online" in _read(file_log)


def test_filter_applies_to_third_party_loggers(file_log: Path) -> None:
    logging.getLogger("httpx").info("HTTP Request: %s %s", "GET", f"/fhir/Patient?identifier={CF}")
    assert CF not in _read(file_log)


def test_scrub_leaves_ordinary_text() -> None:
    assert scrub("sync drained 12 items") == "sync drained 12 items"
    assert HealthDataFilter().filter(logging.makeLogRecord({"msg": "x"})) is True


def test_crash_report_is_redacted(tmp_path: Path) -> None:
    try:
        raise KeyError(f"{NAME} {CF}")
    except KeyError as exc:
        path = write_report(tmp_path, KeyError, exc, exc.__traceback__, thread_name="core-loop")
    body = path.read_text(encoding="utf-8")
    assert "builtins.KeyError: <redacted>" in body
    assert "thread: core-loop" in body
    assert NAME not in body and CF not in body


def test_numeric_conversions_of_redacted_arguments_still_format() -> None:
    record = logging.LogRecord(
        "app.session",
        logging.WARNING,
        __file__,
        1,
        "attempt %d after %.1f s, %d%% done, safe port %05d",
        (3, 2.5, 40, safe(8470)),
        None,
    )
    assert HealthDataFilter().filter(record)
    assert record.getMessage() == (
        "attempt <redacted> after <redacted> s, <redacted>% done, safe port 08470"
    )
