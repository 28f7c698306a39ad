"""The telemonitoring page: worklist by urgency, trends with bands and alerts, exports, actions."""

from __future__ import annotations

from array import array
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QDateTime, QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QTreeWidget,
    QWidget,
)

from app.config import Settings
from app.domain.audit import AuditAction
from app.domain.telemonitoring import (
    AlertKind,
    AlertStatus,
    Parameter,
    Provenance,
    Severity,
)
from app.services.careplans import parse_care_plan
from app.services.telemonitoring import (
    InMemoryTelemonitoringSource,
    Series,
    TeleassistanceDidRequest,
    _demo_plan,
    demo_source,
)
from app.session.events import SessionDidChange, SessionState
from app.session.offline import Identity
from tests.ui.audit_acts import record_acts
from tests.ui.workstation_context import workstation_context
from ui.pages.telemonitoring import ManualEntryDialog, TelemonitoringPage

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def ctx(qapp):
    with workstation_context(Settings()) as ctx:
        yield ctx


def _controls(root: QWidget) -> list[QWidget]:
    kinds = (QAbstractButton, QComboBox, QLineEdit, QAbstractSpinBox, QListWidget, QTreeWidget)
    return [
        w
        for w in root.findChildren(QWidget)
        if isinstance(w, kinds) and not w.objectName().startswith("qt_")
    ]


def _page(ctx, qtbot, source) -> TelemonitoringPage:
    page = TelemonitoringPage(ctx, source=source)
    page.resize(1400, 900)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    qtbot.waitUntil(lambda: bool(page.patients) and not page.busy, timeout=10_000)
    return page


def test_worklist_trends_alerts_exports_and_actions(ctx, qtbot, tmp_path: Path) -> None:
    source = demo_source(now_utc=NOW)
    page = _page(ctx, qtbot, source)

    # Sorted by urgency: critical first; every row is a patient.
    urgencies = [p.urgency() for p in page.patients]
    assert urgencies == sorted(urgencies, reverse=True)
    assert page.patients[0].urgency()[0] == Severity.CRITICAL
    assert page.worklist.topLevelItemCount() == 4
    calm = [p for p in page.patients if not p.active_alerts]
    assert calm  # the demo has patients without alerts
    rows = [page.worklist.topLevelItem(i) for i in range(4)]
    assert [r.text(0) for r in rows if r.text(1) in {p.display_name for p in calm}] == [
        "No alert"
    ] * len(calm)

    # Filter by condition.
    page.condition_filter.setCurrentIndex(page.condition_filter.findData("heart-failure"))
    assert [p.patient_id for p in page.visible_patients()] == ["demo-2"]
    assert page.worklist.topLevelItemCount() == 1

    # Open by keyboard (Enter on the worklist).
    page.worklist.setFocus()
    page.worklist.setCurrentItem(page.worklist.topLevelItem(0))
    with qtbot.waitSignal(page.patient_opened, timeout=10_000) as opened:
        QTest.keyClick(page.worklist, Qt.Key.Key_Return)
    assert opened.args == ["demo-2"]
    trend = page.trend
    assert trend.parameters == (
        Parameter.SYSTOLIC_BP,
        Parameter.DIASTOLIC_BP,
        Parameter.HEART_RATE,
        Parameter.SPO2,
        Parameter.WEIGHT,
    )
    assert all(trend.track_points(p) > 0 for p in trend.parameters)
    assert any(a.kind is AlertKind.TREND for a in page.current.alerts)
    assert page.alert_list.count() == len(page.current.alerts)
    trend_text = page.alert_list.item(0).text()
    assert trend_text.startswith("Warning: Weight 80.8 kg on ")
    assert "+2.6 kg since" in trend_text and "rule: +2 kg in 3 days" in trend_text

    # Range presets (7 days), by keyboard on the focused button.
    trend.preset_buttons[1].setFocus()
    QTest.keyClick(trend.preset_buttons[1], Qt.Key.Key_Space)
    x0, x1 = trend.x_range()
    assert 7 * 86400 <= x1 - x0 <= 7.5 * 86400

    # Keyboard pan and zoom on the plots.
    trend.graphics.setFocus()
    QTest.keyClick(trend.graphics, Qt.Key.Key_Minus)
    zx0, zx1 = trend.x_range()
    assert zx1 - zx0 == pytest.approx(2 * (x1 - x0))
    QTest.keyClick(trend.graphics, Qt.Key.Key_Left)
    px0, _ = trend.x_range()
    assert px0 == pytest.approx(zx0 - 0.2 * (zx1 - zx0))
    QTest.keyClick(trend.graphics, Qt.Key.Key_Plus)
    trend.preset_buttons[1].click()
    x0, x1 = trend.x_range()

    # Hover read-out: exact value, time and device of the nearest reading.
    weight = page.series[Parameter.WEIGHT]
    text = trend.readout_at(Parameter.WEIGHT, weight.times_s[-1] + 60)
    assert f"{weight.values[-1]:g} kg" in text and "dev-demo-2-weight" in text
    track = trend._tracks[Parameter.WEIGHT]
    scene_pos = track.plot.getViewBox().mapViewToScene(
        QPointF(weight.times_s[-3], weight.values[-3])
    )
    view_pos = trend.graphics.mapFromScene(scene_pos)
    QTest.mouseMove(trend.graphics.viewport(), view_pos)
    qtbot.waitUntil(lambda: f"{weight.values[-3]:g} kg" in trend.readout.text(), timeout=5_000)

    # Exports.
    assert trend.export_png(tmp_path / "plots.png")
    rows = trend.export_csv(tmp_path / "data.csv")
    lines = (tmp_path / "data.csv").read_text().splitlines()
    assert lines[0] == "parameter,loinc,time_utc,value,unit,provenance,device"
    assert rows == len(lines) - 1 > 0
    page.print_summary(tmp_path / "summary.pdf")
    assert (tmp_path / "summary.pdf").read_bytes()[:5] == b"%PDF-"

    # Manual entry (level 0): appears at once, marked manual.
    dlg = ManualEntryDialog(trend.parameters, page.current.plans[0], page)
    dlg.parameter.setCurrentIndex(dlg.parameter.findData(Parameter.SYSTOLIC_BP))
    dlg.value.setValue(185)
    dlg.when.setDateTime(QDateTime.fromSecsSinceEpoch(int(NOW.timestamp()) - 3600))
    page.manual_entry(dialog=dlg)
    qtbot.waitUntil(
        lambda: page.series[Parameter.SYSTOLIC_BP].values[-1] == 185 and not page.busy,
        timeout=10_000,
    )
    sbp = page.series[Parameter.SYSTOLIC_BP]
    assert sbp.origin_of(len(sbp) - 1)[0] is Provenance.MANUAL
    qtbot.waitUntil(
        lambda: any(
            a.value == 185 and a.severity is Severity.CRITICAL for a in page.current.alerts
        ),
        timeout=10_000,
    )

    shot = tmp_path / "telemonitoring.png"
    assert page.grab().save(str(shot))
    assert shot.stat().st_size > 30_000

    # Acknowledge the selected (top) alert: refused while nobody is logged in...
    page.alert_list.setCurrentRow(0)
    top_id = page.alert_list.currentItem().data(Qt.ItemDataRole.UserRole)
    QTest.keyClick(page, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    refusal = page.findChild(QMessageBox, "ackNeedsLogin")
    assert refusal is not None and refusal.isVisible()
    refusal.close()
    assert source.acknowledged == []
    # ... and attributed to the clinician once one is.
    ctx.workstation.session.identity = Identity("prac-ifec-colombo", "Giulia Colombo", "demo")
    QTest.keyClick(page, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: (
            next(a for a in page.current.alerts if a.id == top_id).status
            is AlertStatus.ACKNOWLEDGED
        ),
        timeout=10_000,
    )
    assert source.acknowledged == [(top_id, "Practitioner/prac-ifec-colombo")]

    # Start teleassistance: a core event through the bridge.
    seen: list[TeleassistanceDidRequest] = []
    ctx.bridge.on(TeleassistanceDidRequest, seen.append)
    with qtbot.waitSignal(page.teleassistance_requested, timeout=10_000):
        page.call_button.click()
    qtbot.waitUntil(lambda: len(seen) == 1, timeout=5_000)
    assert seen[0].patient_id == "demo-2"

    unnamed = [
        c.objectName() or type(c).__name__ for c in _controls(page) if not c.accessibleName()
    ]
    assert unnamed == []

    # Italian (the build step compiles resources/translations/telemonitoring_it.ts).
    ctx.translations.apply("it")
    qtbot.waitUntil(lambda: page.ack_button.text() == "Prendi in car&ico", timeout=5_000)
    assert trend.preset_buttons[1].text() == "7 g"
    assert page.worklist.headerItem().text(0) == "Urgenza"
    texts = [page.alert_list.item(i).text() for i in range(page.alert_list.count())]
    assert any("Peso" in t and "regola: +2 kg in 3 giorni" in t for t in texts), texts
    assert any("soglia critica" in t and "pari o superiore a 170 mmHg" in t for t in texts), texts
    ctx.translations.apply("en")
    qtbot.waitUntil(lambda: page.ack_button.text() == "Ac&knowledge", timeout=5_000)


def _big_series(parameter: Parameter, t: np.ndarray, v: np.ndarray) -> Series:
    s = Series(parameter)
    s.times_s.frombytes(t.astype(np.float64).tobytes())
    s.values.frombytes(v.astype(np.float64).tobytes())
    s.origin = array("B", bytes(len(t)))
    s.origins = [(Provenance.DEVICE_BONDED, "oximeter-1")]
    return s


def test_five_years_of_minute_spo2_plus_four_parameters_load_and_render(
    ctx, qtbot, tmp_path: Path
) -> None:
    rng = np.random.default_rng(7)
    end = NOW.timestamp()
    n = 5 * 365 * 24 * 60  # 2,628,000 points
    t = end - 60.0 * np.arange(n)[::-1]
    spo2 = np.clip(96 + rng.normal(0, 0.8, n), 80, 100).round()
    spo2[n // 2] = 81  # one desaturation must survive decimation
    plan_json = _demo_plan("big", "heart-failure", {
        Parameter.SPO2: ((94.0, 100.0), (92.0, None), (88.0, None)),
        Parameter.SYSTOLIC_BP: ((95.0, 135.0), (90.0, 150.0), (80.0, 170.0)),
        Parameter.DIASTOLIC_BP: ((55.0, 85.0), (50.0, 95.0), (45.0, 105.0)),
        Parameter.HEART_RATE: ((55.0, 90.0), (50.0, 105.0), (40.0, 120.0)),
        Parameter.WEIGHT: ((40.0, 150.0), (None, None), (None, None)),
    })  # fmt: skip
    plan = parse_care_plan(
        plan_json["plan"],
        activity_definitions=[plan_json["ad"]],
        observation_definitions=plan_json["ods"],
    )
    source = InMemoryTelemonitoringSource(clock=lambda: NOW)
    source.add_patient("big", "Big Data", [plan])
    source.set_series("big", _big_series(Parameter.SPO2, t, spo2), evaluate=False)
    daily = end - 86400.0 * np.arange(5 * 365 * 2)[::-1] / 2
    m = len(daily)
    for p, base in (
        (Parameter.SYSTOLIC_BP, 130),
        (Parameter.DIASTOLIC_BP, 80),
        (Parameter.HEART_RATE, 70),
        (Parameter.WEIGHT, 78),
    ):
        source.set_series("big", _big_series(p, daily, base + rng.normal(0, 3, m)), evaluate=False)
    page = _page(ctx, qtbot, source)
    with qtbot.waitSignal(page.patient_opened, timeout=60_000):
        page.open_patient("big")
    trend = page.trend
    assert len(page.series[Parameter.SPO2]) == n
    trend.show_last(None)  # all five years
    QApplication.processEvents()
    drawn = trend.track_points(Parameter.SPO2)
    assert 0 < drawn < 10_000  # decimated to the pixel columns
    _, y = trend._tracks[Parameter.SPO2].curve.getData()
    assert y.min() == 81  # peak preserved
    image = trend.render_image()
    assert image.width() > 500 and image.height() > 400
    shot = tmp_path / "five_years.png"
    assert image.save(str(shot))
    # Zoom into one day: the exact minute readings are drawn.
    trend.show_last(86400.0)
    QApplication.processEvents()
    assert 1400 <= trend.track_points(Parameter.SPO2) <= 1500


class _Unreachable(InMemoryTelemonitoringSource):
    """The backend is down: every worklist load fails."""

    async def list_patients(self):  # type: ignore[no-untyped-def]
        raise ConnectionError("regional backend unreachable")


def test_a_failed_background_reload_is_shown_on_the_page_not_in_a_dialog(ctx, qtbot) -> None:
    page = TelemonitoringPage(ctx, source=_Unreachable())
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.load_status.isVisible(), timeout=10_000)
    assert "ConnectionError" in page.load_status.text()
    assert page.load_status.accessibleName() == page.load_status.text()
    assert not [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
    ]
    assert not page.busy


def test_offline_copy_is_announced_and_a_new_clinician_starts_clean(ctx, qtbot) -> None:
    source = demo_source(now_utc=NOW)
    source.offline_copy_utc = datetime(2026, 2, 28, 18, 30, tzinfo=UTC)
    page = _page(ctx, qtbot, source)
    ctx.workstation.bus.publish(SessionDidChange(SessionState.ACTIVE, "prac-mmg-bianchi"))
    qtbot.waitUntil(
        lambda: page.shown_for == "prac-mmg-bianchi" and bool(page.patients) and not page.busy,
        timeout=10_000,
    )
    assert page.load_status.isVisible()
    assert page.load_status.text().startswith("Offline: showing the care plans and alerts saved")
    page.worklist.setCurrentItem(page.worklist.topLevelItem(0))
    page.open_selected()
    qtbot.waitUntil(lambda: bool(page.series) and not page.busy, timeout=10_000)

    # Sign-out: the patient and the worklist leave the screen at once.
    ctx.workstation.bus.publish(SessionDidChange(SessionState.SIGNED_OUT))
    qtbot.waitUntil(lambda: page.shown_for is None, timeout=5000)
    assert not page.patients and page.current is None
    assert page.worklist.topLevelItemCount() == 0 and not page.series
    assert page.trend.parameters == ()
    assert not page.load_status.isVisible()

    # The next clinician signs in: their worklist is loaded (live this time).
    source.offline_copy_utc = None
    ctx.workstation.bus.publish(SessionDidChange(SessionState.ACTIVE, "prac-ifec-colombo"))
    qtbot.waitUntil(
        lambda: page.shown_for == "prac-ifec-colombo" and bool(page.patients) and not page.busy,
        timeout=10_000,
    )
    assert page.worklist.topLevelItemCount() == len(page.patients)
    assert not page.load_status.isVisible()


def test_the_highlighted_patient_shows_its_alerts_and_trends(ctx, qtbot) -> None:
    acts = record_acts(ctx)
    page = _page(ctx, qtbot, demo_source(now_utc=NOW))
    # The most urgent patient is highlighted at load, but not opened: that is the user's act.
    assert page.worklist.currentItem() is page.worklist.topLevelItem(0)
    qtbot.wait(400)  # longer than the selection's debounce
    assert page.current is None and acts.acts == []
    second = page.worklist.topLevelItem(1)
    page.worklist.setFocus()
    QTest.keyClick(page.worklist, Qt.Key.Key_Down)  # keyboard only, no Enter
    assert page.worklist.currentItem() is second
    pid = page.selected_patient_id()
    qtbot.waitUntil(
        lambda: page.current is not None and page.current.patient_id == pid and not page.busy,
        timeout=5000,
    )
    assert page.patient_label.text().startswith(page.current.display_name)
    assert page.alert_list.count() == len(page.current.alerts) > 0
    assert page.trend.parameters  # its trends are drawn
    # Each patient whose trends were shown is an opened record.
    qtbot.waitUntil(lambda: len(acts.acts) == 1, timeout=5000)
    assert acts.acts == [(AuditAction.OPEN_RECORD, pid, "telemonitoring-trends")]
    page.refresh()  # a reload of the open patient is not a new opening
    qtbot.waitUntil(lambda: not page.busy, timeout=5000)
    assert len(acts.acts) == 1
