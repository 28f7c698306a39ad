"""Every user-visible string of the UI has its Italian translation: ``pyside6-lupdate`` extracts
what ``tr()``/``translate()``/``QT_TRANSLATE_NOOP`` mark in ui/, and each (context, source) must be
translated (plural forms included) in one of resources/translations/*_it.ts."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LUPDATE = Path(sys.executable).with_name("pyside6-lupdate")


def _messages(ts: Path) -> list[tuple[str, str, ET.Element]]:
    out = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name", "")
        out.extend((name, m.findtext("source", ""), m) for m in context.iter("message"))
    return out


def _translated(message: ET.Element) -> bool:
    t = message.find("translation")
    if t is None or t.get("type") in ("unfinished", "obsolete", "vanished"):
        return False
    forms = t.findall("numerusform")
    if forms:
        return all((f.text or "").strip() for f in forms)
    return bool((t.text or "").strip())


def test_every_ui_string_has_an_italian_translation(tmp_path: Path) -> None:
    sources = sorted(str(p) for p in (ROOT / "ui").rglob("*.py"))
    extracted = tmp_path / "extracted_it.ts"
    subprocess.run([str(LUPDATE), *sources, "-ts", str(extracted)], check=True, capture_output=True)
    wanted = {(ctx, src) for ctx, src, _m in _messages(extracted)}
    assert len(wanted) > 500  # the extraction really found the UI's strings
    have = {
        (ctx, src)
        for ts in (ROOT / "resources" / "translations").glob("*_it.ts")
        for ctx, src, m in _messages(ts)
        if _translated(m)
    }
    missing = sorted(wanted - have)
    assert not missing, f"{len(missing)} UI strings without an Italian translation: {missing[:20]}"
