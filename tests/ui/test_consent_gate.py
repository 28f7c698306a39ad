"""The televisit consent gate on the real demo workstation (regional_sim's demo patients)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from app.domain.workflows import ConsentKind
from app.services.consent_gate import ConsentGate, ConsentsMissing
from ui.clinical import clinical_services
from ui.consent_dialog import ConsentDialog, consent_gate, ensure_televisit_consents
from ui.entry import launch


@pytest.fixture
def gui(qtbot):
    s = launch(["--demo", "--language", "en"])
    try:
        qtbot.waitExposed(s.window)
        qtbot.waitUntil(lambda: s.workstation.session.identity is not None, timeout=60_000)
        yield s
    finally:
        s.close()  # also when the set-up fails: never leave the demo backend running


def _dialog() -> ConsentDialog | None:
    found = [w for w in QApplication.topLevelWidgets() if isinstance(w, ConsentDialog)]
    visible = [w for w in found if w.isVisible()]
    return visible[0] if visible else None


def test_televisit_waits_for_both_consents_and_records_them(gui, qtbot) -> None:
    ctx, ws = gui.window.ctx, gui.workstation
    gate = consent_gate(ctx)
    by_missing: dict[int, str] = {}
    for n in range(1, 10):
        pid = f"pat-{n:03d}"
        missing = ws.runtime.submit(gate.missing(pid)).result(20)
        by_missing.setdefault(len(missing), pid)
    assert set(by_missing) == {0, 1, 2}  # the demo seed has all three cases
    calls: list[str] = []

    ensure_televisit_consents(
        ctx, patient_id=by_missing[0], service="televisita",
        proceed=lambda: calls.append("both"), parent=gui.window,
    )  # fmt: skip
    qtbot.waitUntil(lambda: calls == ["both"], timeout=10_000)
    ensure_televisit_consents(
        ctx, patient_id=by_missing[2], service="teleassistenza",
        proceed=lambda: calls.append("teleassistance"), parent=gui.window,
    )  # fmt: skip
    qtbot.waitUntil(lambda: calls[-1] == "teleassistance", timeout=10_000)

    # Only the informed consent: the dialog asks for the missing one; cancelling stops the visit.
    ensure_televisit_consents(
        ctx, patient_id=by_missing[1], service="televisita",
        proceed=lambda: calls.append("one"), parent=gui.window,
    )  # fmt: skip
    qtbot.waitUntil(lambda: _dialog() is not None, timeout=10_000)
    dialog = _dialog()
    assert list(dialog.boxes) == [ConsentKind.TELEMEDICINE]
    dialog.reject()
    assert "one" not in calls

    # None on record: both are asked; "Record" stays disabled until both are ticked.
    ensure_televisit_consents(
        ctx, patient_id=by_missing[2], service="televisita",
        proceed=lambda: calls.append("none"), parent=gui.window,
    )  # fmt: skip
    qtbot.waitUntil(lambda: _dialog() is not None, timeout=10_000)
    dialog = _dialog()
    assert list(dialog.boxes) == [ConsentKind.INFORMED, ConsentKind.TELEMEDICINE]
    assert all(b.accessibleName() for b in dialog.boxes.values())
    assert not dialog.record_button.isEnabled()
    dialog.boxes[ConsentKind.INFORMED].setChecked(True)
    assert not dialog.record_button.isEnabled()
    dialog.boxes[ConsentKind.TELEMEDICINE].setChecked(True)
    dialog.record_button.click()
    qtbot.waitUntil(lambda: calls[-1] == "none", timeout=10_000)
    assert not dialog.isVisible()

    # The Consents reached the backend: a gate with no local memory agrees.
    fresh = ConsentGate(lambda: clinical_services(ctx).patients)
    assert ws.runtime.submit(fresh.missing(by_missing[2])).result(20) == ()
    with pytest.raises(ConsentsMissing) as refused:
        ws.runtime.submit(fresh.require(by_missing[1])).result(20)
    assert refused.value.missing == (ConsentKind.TELEMEDICINE,)


def test_calls_page_does_not_start_a_televisit_without_consents(gui, qtbot) -> None:
    w = gui.window
    w.show_area("calls")
    page = w.pages[[p.AREA for p in w.pages].index("calls")]
    page.kind.setCurrentIndex(page.kind.findData("televisita"))
    page.patient.setText("pat-003")  # the demo seed gives pat-003 no consent at all
    page.start_call()
    qtbot.waitUntil(lambda: _dialog() is not None, timeout=10_000)
    dialog = _dialog()
    assert list(dialog.boxes) == [ConsentKind.INFORMED, ConsentKind.TELEMEDICINE]
    dialog.reject()
    assert not page.service.active and page.call_window is None
    assert page.link.text() == ""
