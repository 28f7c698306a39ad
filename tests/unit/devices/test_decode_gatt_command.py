"""``telemed-workstation decode-gatt``: handler directly and through app.cli."""

from __future__ import annotations

import argparse
import json

import pytest

from app.cli import build_parser, run_headless
from app.commands import decode_gatt


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    args = build_parser().parse_args(["decode-gatt", *argv])
    code = run_headless(args)
    return code, capsys.readouterr().out


def test_handler_directly(capsys: pytest.CaptureFixture[str]) -> None:
    ns = argparse.Namespace(uuid="2a37", hex="0055", no_plausibility=False, lenient=False)
    assert decode_gatt.handle(ns, None) == 0
    assert json.loads(capsys.readouterr().out) == {"heart_rate": 85}


def test_valid_payload_prints_json_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "2a1c", "06b00e00fedc070c050b321b04")
    assert code == 0
    assert out.strip() == (
        '{"unit": "C", "temperature": 37.60, "timestamp": "2012-12-05T11:50:27", "type": 4}'
    )


@pytest.mark.parametrize(
    ("uuid", "hexdata"),
    [
        ("0x2A52", "06-00-01-01"),
        ("00002a52-0000-1000-8000-00805f9b34fb", "06:00:01:01"),
        ("2A52", "0x06000101"),
    ],
)
def test_uuid_and_hex_spellings(
    capsys: pytest.CaptureFixture[str], uuid: str, hexdata: str
) -> None:
    code, out = run(capsys, uuid, hexdata)
    assert code == 0
    assert json.loads(out) == {"request_opcode": 1, "response": "success"}


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (("2a35", "010203040506"), "length 6 < 7 required by flags"),
        (("2a37", "170101"), "RR flag set but no RR-interval"),
        (("2a35", "zz"), "not hexadecimal"),
        (("2a35", "123"), "not hexadecimal"),
        (("2aff", "00"), "not supported"),
        (("2a18", "1b0100e307021b0b0a1efbff1e00120501"), "implausible glucose concentration"),
        (("2a52", "050001"), "not 2"),
    ],
)
def test_malformed_input_prints_error_and_exits_2(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, str], fragment: str
) -> None:
    code, out = run(capsys, *argv)
    assert code == 2
    error = json.loads(out)
    assert list(error) == ["error"] and fragment in error["error"]


def test_flags(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "2a52", "050001", "--lenient")
    assert (code, json.loads(out)) == (0, {"number_of_records": 1})
    code, out = run(capsys, "2a18", "1b0100e307021b0b0a1efbff1e00120501", "--no-plausibility")
    assert code == 0 and json.loads(out)["concentration"] == 30


def test_usage_error_exits_2() -> None:
    with pytest.raises(SystemExit) as info:
        build_parser().parse_args(["decode-gatt", "2a35"])
    assert info.value.code == 2


def test_console_script_end_to_end() -> None:
    """The installed ``telemed-workstation`` entry point, as a help-desk user runs it."""
    import subprocess
    import sys
    from pathlib import Path

    script = Path(sys.executable).parent / "telemed-workstation"
    ok = subprocess.run(
        [str(script), "decode-gatt", "SFLOAT", "f014"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (ok.returncode, ok.stdout.strip()) == (0, '{"value": 2.0}')
    bad = subprocess.run(
        [str(script), "decode-gatt", "2a35", "010203040506"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2
    assert json.loads(bad.stdout) == {"error": "2a35: length 6 < 7 required by flags"}
