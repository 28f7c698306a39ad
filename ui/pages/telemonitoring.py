"""Telemonitoring: the alert worklist (by urgency) and the selected patient's trends."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QDateTime,
    QLocale,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.audit import AuditAction
from app.domain.telemonitoring import (
    Alert,
    AlertKind,
    AlertStatus,
    CarePlan,
    MonitoredPatient,
    Parameter,
    Provenance,
    Reading,
    Severity,
)
from app.events import EventBus
from app.services.telemonitoring import (
    InMemoryTelemonitoringSource,
    Series,
    TeleassistanceDidRequest,
    TelemonitoringSource,
    demo_source,
)
from app.session.events import SessionDidChange, SessionState
from ui.audit_banner import record_audited_act
from ui.clinical import BusyRunner, local_time
from ui.context import UiContext
from ui.error_text import reason_text
from ui.pages.base import Page
from ui.trend_view import (
    SEVERITY_COLORS,
    TrendView,
    display_unit,
    parameter_label,
    severity_label,
)

ALL_CONDITIONS = ""


def programme_label(programme: str) -> str:
    from PySide6.QtCore import QCoreApplication

    names = {
        "hypertension": QCoreApplication.translate("Programme", "Hypertension"),
        "heart-failure": QCoreApplication.translate("Programme", "Heart failure"),
        "diabetes": QCoreApplication.translate("Programme", "Diabetes"),
        "copd": QCoreApplication.translate("Programme", "COPD"),
        "oncology": QCoreApplication.translate("Programme", "Oncology"),
        "neurology": QCoreApplication.translate("Programme", "Neurology"),
    }
    return names.get(programme, programme)


def _num(value: float) -> str:
    return QLocale().toString(float(f"{value:.2f}"), "g", 6)


def _when(iso_or_dt: datetime | str) -> str:
    dt = datetime.fromisoformat(iso_or_dt) if isinstance(iso_or_dt, str) else iso_or_dt
    qdt = QDateTime.fromSecsSinceEpoch(int(dt.timestamp()))
    return QLocale().toString(qdt, QLocale.FormatType.ShortFormat)


def alert_text(alert: Alert) -> str:
    """The alert's explanation in the user's language, from its structured rule data.

    Alerts without rule data (e.g. Flags raised elsewhere) keep their own text.
    """
    extra = dict(alert.extra)
    unit = display_unit(alert.parameter)
    name = parameter_label(alert.parameter)

    def fill(template: str, *args: str) -> str:
        for i in range(len(args), 0, -1):  # %10 before %1
            template = template.replace(f"%{i}", args[i - 1])
        return template

    try:
        if alert.kind is AlertKind.THRESHOLD and alert.value is not None and alert.value_time_utc:
            low = None if extra.get("band_low", "None") == "None" else float(extra["band_low"])
            high = None if extra.get("band_high", "None") == "None" else float(extra["band_high"])
            if low is not None and high is None:
                limit = fill(
                    QCoreApplication.translate("AlertText", "at or above %1 %2"), _num(low), unit
                )
            elif high is not None and low is None:
                limit = fill(
                    QCoreApplication.translate("AlertText", "at or below %1 %2"), _num(high), unit
                )
            else:
                limit = fill(
                    QCoreApplication.translate("AlertText", "between %1 and %2 %3"),
                    _num(low or 0),
                    _num(high or 0),
                    unit,
                )
            threshold = {
                Severity.INFO: QCoreApplication.translate("AlertText", "information threshold"),
                Severity.WARNING: QCoreApplication.translate("AlertText", "warning threshold"),
                Severity.CRITICAL: QCoreApplication.translate("AlertText", "critical threshold"),
            }[alert.severity]
            return fill(
                QCoreApplication.translate("AlertText", "%1 %2 %3 on %4 is %5 (%6)"),
                name,
                _num(alert.value),
                unit,
                _when(alert.value_time_utc),
                limit,
                threshold,
            )
        if alert.kind is AlertKind.TREND and alert.value is not None and alert.value_time_utc:
            change = float(extra["change"])
            return fill(
                QCoreApplication.translate(
                    "AlertText",
                    "%1 %2 %3 on %4: %5 %3 since %6 (%7 %3 on %8; rule: %9 %3 in %10 days)",
                ),
                name,
                _num(alert.value),
                unit,
                _when(alert.value_time_utc),
                ("+" if change >= 0 else "") + _num(change),
                _when(extra["base_time"]),
                _num(float(extra["base_value"])),
                _when(extra["base_time"]),
                ("+" if float(extra["delta"]) >= 0 else "") + _num(float(extra["delta"])),
                _num(float(extra["window_d"])),
            )
        if alert.kind is AlertKind.STALE and "expected_h" in extra:
            expected = _num(float(extra["expected_h"]))
            if alert.value_time_utc is None or not extra.get("age_h"):
                return fill(
                    QCoreApplication.translate(
                        "AlertText", "No %1 reading yet; the care plan expects one every %2 h"
                    ),
                    name,
                    expected,
                )
            return fill(
                QCoreApplication.translate(
                    "AlertText",
                    "No %1 reading since %2 (%3 h ago); the care plan expects one every %4 h",
                ),
                name,
                _when(alert.value_time_utc),
                _num(round(float(extra["age_h"]))),
                expected,
            )
    except (KeyError, ValueError):
        pass
    return alert.explanation


async def _publish(bus: EventBus, event: TeleassistanceDidRequest) -> TeleassistanceDidRequest:
    bus.publish(event)
    await asyncio.sleep(0)
    return event


class ManualEntryDialog(QDialog):
    """Level-0 manual entry of one reading for one of the plan's parameters."""

    def __init__(
        self,
        parameters: tuple[Parameter, ...],
        plan: CarePlan | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("manualEntryDialog")
        self._plan = plan
        self.setWindowTitle(self.tr("Manual reading"))
        self.setAccessibleName(self.tr("Manual reading"))
        self.parameter = QComboBox(self)
        self.parameter.setAccessibleName(self.tr("Parameter"))
        for p in parameters:
            self.parameter.addItem(f"{parameter_label(p)} ({p.ucum_unit})", p)
        self.value = QDoubleSpinBox(self)
        self.value.setAccessibleName(self.tr("Value"))
        self.value.setDecimals(1)
        self.when = QDateTimeEdit(QDateTime.currentDateTime(), self)
        self.when.setAccessibleName(self.tr("Time of measurement"))
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("yyyy-MM-dd HH:mm")
        form = QFormLayout(self)
        form.addRow(self.tr("&Parameter"), self.parameter)
        form.addRow(self.tr("&Value"), self.value)
        form.addRow(self.tr("&Time"), self.when)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        for b in buttons.buttons():
            b.setAccessibleName(b.text().replace("&", ""))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.parameter.currentIndexChanged.connect(self._on_parameter)
        self._on_parameter()

    def _on_parameter(self) -> None:
        p = self.selected_parameter()
        if p is None:
            return
        th = self._plan.for_parameter(p) if self._plan else None
        lo, hi = 0.0, 1000.0
        if th is not None and th.plausible is not None:
            lo = th.plausible.low if th.plausible.low is not None else lo
            hi = th.plausible.high if th.plausible.high is not None else hi
        self.value.setRange(lo, hi)
        self.value.setSuffix(f" {p.ucum_unit}")
        if th is not None and th.target is not None and th.target.low is not None:
            self.value.setValue(th.target.low)

    def selected_parameter(self) -> Parameter | None:
        data = self.parameter.currentData()
        return data if isinstance(data, Parameter) else None

    def reading(self) -> Reading:
        p = self.selected_parameter()
        assert p is not None
        when = datetime.fromtimestamp(self.when.dateTime().toSecsSinceEpoch(), UTC)
        return Reading(p, when, round(self.value.value(), 1), Provenance.MANUAL, None)


class TelemonitoringPage(Page):
    AREA = "telemonitoring"
    TITLE = str(QT_TRANSLATE_NOOP("Areas", "Telemonitoring"))

    patient_opened = Signal(str)
    teleassistance_requested = Signal(str, str)  # patient id, alert id ("" if none)

    def __init__(
        self,
        ctx: UiContext,
        parent: QWidget | None = None,
        *,
        source: TelemonitoringSource | None = None,
    ) -> None:
        super().__init__(ctx, parent)
        self.source: TelemonitoringSource = source or self._default_source(ctx)
        self.patients: list[MonitoredPatient] = []
        self.current: MonitoredPatient | None = None
        self.series: dict[Parameter, Series] = {}
        self.runner = BusyRunner(ctx, self._update_actions)
        session = getattr(ctx.workstation, "session", None)
        identity = session.identity if session is not None else None
        #: The clinician whose data the page shows (None: nobody signed in).
        self.shown_for: str | None = identity.subject if identity is not None else None

        # -- left: filter, worklist, alerts, actions
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        filter_row = QHBoxLayout()
        self.filter_label = QLabel(left)
        self.condition_filter = QComboBox(left)
        self.condition_filter.setObjectName("conditionFilter")
        self.filter_label.setBuddy(self.condition_filter)
        filter_row.addWidget(self.filter_label)
        filter_row.addWidget(self.condition_filter, 1)
        self.refresh_button = QPushButton(left)
        self.refresh_button.setObjectName("refreshWorklist")
        self.refresh_button.setShortcut(QKeySequence(Qt.Key.Key_F5))
        filter_row.addWidget(self.refresh_button)
        left_layout.addLayout(filter_row)
        self.worklist = QTreeWidget(left)
        self.worklist.setObjectName("alertWorklist")
        self.worklist.setRootIsDecorated(False)
        self.worklist.setAlternatingRowColors(True)
        self.worklist.setColumnCount(4)
        self.worklist.setUniformRowHeights(True)
        left_layout.addWidget(self.worklist, 3)
        # Why the worklist is not current (offline, backend error); empty when it is.
        self.load_status = QLabel(left)
        self.load_status.setObjectName("worklistLoadStatus")
        self.load_status.setWordWrap(True)
        self.load_status.hide()
        left_layout.addWidget(self.load_status)
        self.alerts_label = QLabel(left)
        self.alert_list = QListWidget(left)
        self.alert_list.setObjectName("patientAlerts")
        self.alert_list.setWordWrap(True)
        self.alerts_label.setBuddy(self.alert_list)
        left_layout.addWidget(self.alerts_label)
        left_layout.addWidget(self.alert_list, 2)
        actions = QHBoxLayout()
        self.ack_button = QPushButton(left)
        self.ack_button.setObjectName("acknowledgeAlert")
        self.open_button = QPushButton(left)
        self.open_button.setObjectName("openPatient")
        self.call_button = QPushButton(left)
        self.call_button.setObjectName("startTeleassistance")
        self.manual_button = QPushButton(left)
        self.manual_button.setObjectName("manualReading")
        for b in (self.open_button, self.ack_button, self.call_button, self.manual_button):
            actions.addWidget(b)
        left_layout.addLayout(actions)

        # -- right: patient heading and trends
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.patient_label = QLabel(right)
        self.patient_label.setObjectName("trendPatient")
        self.patient_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        f = self.patient_label.font()
        f.setBold(True)
        self.patient_label.setFont(f)
        right_layout.addWidget(self.patient_label)
        self.trend = TrendView(right)
        right_layout.addWidget(self.trend, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([420, 700])
        self.layout_.addWidget(self.splitter, 1)

        self.condition_filter.currentIndexChanged.connect(self._render_worklist)
        self.refresh_button.clicked.connect(self.refresh)
        self.worklist.currentItemChanged.connect(self._on_current_patient)
        self.worklist.itemActivated.connect(lambda *_: self.open_selected())
        self.open_button.clicked.connect(self.open_selected)
        self.ack_button.clicked.connect(self.acknowledge_selected)
        self.call_button.clicked.connect(self.start_teleassistance)
        self.manual_button.clicked.connect(self.manual_entry)
        self.trend.export_png_button.clicked.connect(self._ask_export_png)
        self.trend.export_csv_button.clicked.connect(self._ask_export_csv)
        self.trend.print_button.clicked.connect(self._ask_print)
        self._shortcuts = [
            QShortcut(QKeySequence("Ctrl+K"), self, self.acknowledge_selected),
            QShortcut(QKeySequence("Ctrl+T"), self, self.start_teleassistance),
            QShortcut(QKeySequence("Ctrl+M"), self, self.manual_entry),
        ]
        for sc in self._shortcuts:
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        # Stale-data alerts depend on the clock: re-evaluate the worklist every minute.
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setInterval(60_000)
        self.refresh_timer.timeout.connect(self._auto_refresh)
        self.refresh_timer.start()
        self._follow_selection = QTimer(self)
        self._follow_selection.setSingleShot(True)
        self._follow_selection.setInterval(250)
        self._follow_selection.timeout.connect(self._open_followed_selection)
        ctx.bridge.on(SessionDidChange, self._on_session)
        self.retranslate()
        self._update_actions()
        self.refresh()

    def _auto_refresh(self) -> None:
        if self.isVisible() and not self.busy:
            self.refresh()

    @staticmethod
    def _default_source(ctx: UiContext) -> TelemonitoringSource:
        existing = getattr(ctx.workstation, "telemonitoring", None)
        if existing is not None:
            return existing  # type: ignore[no-any-return]
        if ctx.workstation.settings.demo:
            return demo_source(now_utc=datetime.now(UTC))
        return InMemoryTelemonitoringSource()

    # -- i18n ---------------------------------------------------------------------------------
    def retranslate(self) -> None:
        super().retranslate()
        self.filter_label.setText(self.tr("&Condition:"))
        self.condition_filter.setAccessibleName(self.tr("Filter by condition"))
        self.refresh_button.setText(self.tr("Refresh"))
        self.refresh_button.setAccessibleName(self.tr("Refresh the worklist (F5)"))
        self.worklist.setHeaderLabels(
            [self.tr("Urgency"), self.tr("Patient"), self.tr("Condition"), self.tr("Latest alert")]
        )
        self.worklist.setAccessibleName(self.tr("Patients by urgency"))
        self.worklist.setAccessibleDescription(self.tr("Enter opens the patient's trends"))
        self.alerts_label.setText(self.tr("&Alerts of the selected patient"))
        self.alert_list.setAccessibleName(self.tr("Alerts of the selected patient"))
        self.open_button.setText(self.tr("&Open patient"))
        self.open_button.setAccessibleName(self.tr("Open the selected patient's trends"))
        self.ack_button.setText(self.tr("Ac&knowledge"))
        self.ack_button.setAccessibleName(self.tr("Acknowledge the selected alert (Ctrl+K)"))
        self.call_button.setText(self.tr("&Teleassistance"))
        self.call_button.setAccessibleName(self.tr("Start a teleassistance call (Ctrl+T)"))
        self.manual_button.setText(self.tr("&Manual reading"))
        self.manual_button.setAccessibleName(self.tr("Enter a reading by hand (Ctrl+M)"))
        self.trend.retranslate()
        self._fill_filter()
        self._render_worklist()
        self._render_alerts()
        self._render_patient_label()

    # -- data ---------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.runner.pending > 0

    def _on_session(self, event: SessionDidChange) -> None:
        """Another clinician, or nobody: nothing the previous one loaded stays on screen."""
        if event.state is SessionState.LOCKED:
            return
        subject = event.subject if event.state is SessionState.ACTIVE else None
        if subject == self.shown_for:
            return
        self.shown_for = subject
        self.runner.discard_pending()
        self.patients = []
        self.current = None
        self.series = {}
        self.trend.set_parameters([], None)
        self.load_status.hide()
        self._render_worklist()
        self._render_alerts()
        self._render_patient_label()
        self._update_actions()
        if subject is not None:
            self.refresh()

    def refresh(self) -> None:
        """Reload the worklist from the source."""
        self.runner.run(
            self.source.list_patients(),
            name=self.tr("Loading the worklist"),
            on_success=self._on_patients,
            on_error=self._on_patients_failed,
        )

    def _on_patients_failed(self, error: BaseException) -> None:
        """A background reload failed (offline, backend error): say so on the page, keep what is
        shown, and try again at the next refresh; no dialog every minute."""
        self.load_status.setText(
            self.tr("Worklist not updated (%1): showing the last loaded data.").replace(
                "%1", reason_text(error)
            )
        )
        self.load_status.setAccessibleName(self.load_status.text())
        self.load_status.show()

    def _on_patients(self, patients: list[MonitoredPatient]) -> None:
        saved_at = getattr(self.source, "offline_copy_utc", None)
        if saved_at is None:
            self.load_status.hide()
        else:
            self.load_status.setText(
                self.tr(
                    "Offline: showing the care plans and alerts saved at %1. Readings taken now "
                    "are kept and sent when the link is back."
                ).replace("%1", local_time(saved_at, with_date=True))
            )
            self.load_status.setAccessibleName(self.load_status.text())
            self.load_status.show()
        self.patients = sorted(patients, key=lambda p: p.urgency(), reverse=True)
        if self.current is not None:
            self.current = next(
                (p for p in self.patients if p.patient_id == self.current.patient_id), None
            )
            self._render_alerts()
            if self.current is not None:
                self.trend.set_alerts(self.current.alerts)
        self._fill_filter()
        self._render_worklist()

    def _fill_filter(self) -> None:
        current = self.condition_filter.currentData()
        programmes = sorted({c for p in self.patients for c in p.conditions})
        self.condition_filter.blockSignals(True)
        self.condition_filter.clear()
        self.condition_filter.addItem(self.tr("All conditions"), ALL_CONDITIONS)
        for prog in programmes:
            self.condition_filter.addItem(programme_label(prog), prog)
        i = self.condition_filter.findData(current)
        self.condition_filter.setCurrentIndex(max(i, 0))
        self.condition_filter.blockSignals(False)

    def visible_patients(self) -> list[MonitoredPatient]:
        cond = self.condition_filter.currentData() or ALL_CONDITIONS
        return [p for p in self.patients if cond == ALL_CONDITIONS or cond in p.conditions]

    def _render_worklist(self) -> None:
        selected = self.selected_patient_id()
        self.worklist.blockSignals(True)
        self.worklist.clear()
        for p in self.visible_patients():
            active = p.active_alerts
            top = max(active, key=lambda a: (a.severity, a.raised_at_utc), default=None)
            urgency = severity_label(top.severity) if top else self.tr("No alert")
            if len(active) > 1:
                urgency += f" ({len(active)})"
            item = QTreeWidgetItem(
                [
                    urgency,
                    p.display_name,
                    ", ".join(programme_label(c) for c in p.conditions),
                    alert_text(top) if top else "",
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, p.patient_id)
            if top is not None:
                color = QColor(SEVERITY_COLORS[top.severity])
                color.setAlpha(60)
                item.setBackground(0, QBrush(color))
                item.setToolTip(3, alert_text(top))
            self.worklist.addTopLevelItem(item)
            if p.patient_id == selected:
                self.worklist.setCurrentItem(item)
        self.worklist.blockSignals(False)
        for c in range(3):
            self.worklist.resizeColumnToContents(c)
        first = self.worklist.topLevelItem(0)
        if self.worklist.currentItem() is None and first is not None:
            # Highlighted for the keyboard, not opened: opening a record is the user's act.
            self.worklist.blockSignals(True)
            self.worklist.setCurrentItem(first)
            self.worklist.blockSignals(False)
        self._update_actions()

    def selected_patient_id(self) -> str | None:
        item = self.worklist.currentItem()
        return None if item is None else str(item.data(0, Qt.ItemDataRole.UserRole))

    def _patient(self, patient_id: str | None) -> MonitoredPatient | None:
        return next((p for p in self.patients if p.patient_id == patient_id), None)

    def _on_current_patient(self, *_: object) -> None:
        """Master-detail: the highlighted patient's alerts and trends follow the selection
        (after a short pause, so that arrowing down the list does not load every patient)."""
        self._update_actions()
        self._follow_selection.start()

    def _open_followed_selection(self) -> None:
        pid = self.selected_patient_id()
        if pid is not None and (self.current is None or self.current.patient_id != pid):
            self.open_patient(pid)

    def _render_alerts(self) -> None:
        self.alert_list.clear()
        if self.current is None:
            return
        labels = {
            AlertStatus.ACTIVE: "",
            AlertStatus.ACKNOWLEDGED: self.tr("acknowledged"),
            AlertStatus.RESOLVED: self.tr("resolved"),
        }
        for a in sorted(
            self.current.alerts,
            key=lambda a: (a.status is AlertStatus.ACTIVE, a.severity, a.raised_at_utc),
            reverse=True,
        ):
            state = f" [{labels[a.status]}]" if labels[a.status] else ""
            item = QListWidgetItem(f"{severity_label(a.severity)}{state}: {alert_text(a)}")
            item.setData(Qt.ItemDataRole.UserRole, a.id)
            item.setToolTip(a.rule)
            if a.status is AlertStatus.ACTIVE:
                item.setForeground(QBrush(SEVERITY_COLORS[a.severity].darker(130)))
            else:
                item.setForeground(QBrush(QColor(120, 120, 120)))
            self.alert_list.addItem(item)
        if self.alert_list.count():
            self.alert_list.setCurrentRow(0)

    def _render_patient_label(self) -> None:
        if self.current is None:
            self.patient_label.setText(self.tr("Select a patient to see the alerts and trends"))
        else:
            plans = ", ".join(programme_label(pl.programme) for pl in self.current.plans)
            self.patient_label.setText(f"{self.current.display_name} — {plans}")
        self.patient_label.setAccessibleName(self.patient_label.text())

    def _update_actions(self) -> None:
        has_sel = self.selected_patient_id() is not None
        self.open_button.setEnabled(has_sel and not self.busy)
        self.call_button.setEnabled(has_sel)
        self.ack_button.setEnabled(self._selected_alert() is not None and not self.busy)
        self.manual_button.setEnabled(self.current is not None and not self.busy)

    # -- actions ------------------------------------------------------------------------------
    def open_patient(self, patient_id: str) -> None:
        """Load the patient's plans, alerts and every plan parameter's series."""
        patient = self._patient(patient_id)
        if patient is None:
            return
        keep_range = self.current is not None and self.current.patient_id == patient_id
        self.current = patient
        self._render_patient_label()
        self._render_alerts()
        params: list[Parameter] = []
        for plan in patient.plans:
            params.extend(p for p in plan.parameters if p not in params)
        plan0 = patient.plans[0] if patient.plans else None

        async def load() -> dict[Parameter, Series]:
            out = {}
            for p in params:
                out[p] = await self.source.get_series(patient_id, p)
            return out

        def loaded(series: dict[Parameter, Series]) -> None:
            if self.current is None or self.current.patient_id != patient_id:
                return
            old_range = self.trend.x_range() if keep_range and self.trend.parameters else None
            self.series = series
            self.trend.set_parameters(params, plan0)
            for s in series.values():
                self.trend.set_series(s)
            self.trend.set_alerts(self.current.alerts)
            if old_range is not None:  # same span, ending at the newest reading
                self.trend.show_last((old_range[1] - old_range[0]) / 1.02)
            else:
                self.trend.show_last(30 * 86400.0)
            if not keep_range:  # a reload of the same patient is not a new opening
                record_audited_act(
                    self.ctx,
                    AuditAction.OPEN_RECORD,
                    patient_id=patient_id,
                    what="telemonitoring-trends",
                )
            self.patient_opened.emit(patient_id)

        self.runner.run(load(), name=self.tr("Loading the trends"), on_success=loaded)

    def open_selected(self) -> None:
        pid = self.selected_patient_id()
        if pid is not None:
            self.open_patient(pid)

    def _selected_alert(self) -> Alert | None:
        item = self.alert_list.currentItem()
        if item is None or self.current is None:
            return None
        aid = item.data(Qt.ItemDataRole.UserRole)
        alert = next((a for a in self.current.alerts if a.id == aid), None)
        return alert if alert is not None and alert.status is AlertStatus.ACTIVE else None

    def acknowledge_selected(self) -> None:
        alert = self._selected_alert()
        if alert is None:
            return
        practitioner = getattr(
            self.ctx.workstation, "practitioner_reference", "Practitioner/current-user"
        )
        if not practitioner:
            box = QMessageBox(
                QMessageBox.Icon.Information,
                self.tr("Acknowledge alert"),
                self.tr("Log in or unlock the workstation to acknowledge alerts."),
                QMessageBox.StandardButton.Ok,
                self,
            )
            box.setObjectName("ackNeedsLogin")
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()  # not modal-blocking: the worklist keeps refreshing
            return
        self.runner.run(
            self.source.acknowledge(alert.id, practitioner_reference=practitioner),
            name=self.tr("Acknowledging the alert"),
            on_success=lambda _a: self.refresh(),
        )

    def start_teleassistance(self) -> None:
        pid = self.current.patient_id if self.current is not None else self.selected_patient_id()
        if pid is None:
            return
        alert = self._selected_alert()
        event = TeleassistanceDidRequest(pid, alert.id if alert else None)
        self.ctx.bridge.submit(
            _publish(self.ctx.workstation.bus, event),
            name=self.tr("Starting teleassistance"),
            on_success=lambda e: self.teleassistance_requested.emit(e.patient_id, e.alert_id or ""),
        )

    def manual_entry(self, *, dialog: ManualEntryDialog | None = None) -> None:
        if self.current is None:
            return
        params: list[Parameter] = []
        for plan in self.current.plans:
            params.extend(p for p in plan.parameters if p not in params)
        dlg = dialog or ManualEntryDialog(
            tuple(params), self.current.plans[0] if self.current.plans else None, self
        )
        if dialog is None and dlg.exec() != QDialog.DialogCode.Accepted:
            return
        self.add_manual_reading(dlg.reading())

    def add_manual_reading(self, reading: Reading) -> None:
        """Record a level-0 reading; it appears in the trends as soon as the core stores it."""
        if self.current is None:
            return
        pid = self.current.patient_id

        def stored(_alerts: list[Alert]) -> None:
            self.refresh()
            self.open_patient(pid)

        self.runner.run(
            self.source.add_manual_reading(pid, reading),
            name=self.tr("Saving the reading"),
            on_success=stored,
        )

    # -- export -------------------------------------------------------------------------------
    def _ask_export_png(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export image"), "trends.png", "PNG (*.png)"
        )
        if path:
            self.trend.export_png(Path(path))
            record_audited_act(self.ctx, AuditAction.EXPORT, patient_id=self.selected_patient_id())

    def _ask_export_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export CSV"), "trends.csv", "CSV (*.csv)"
        )
        if path:
            self.trend.export_csv(Path(path))
            record_audited_act(self.ctx, AuditAction.EXPORT, patient_id=self.selected_patient_id())

    def _ask_print(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Print summary"), "summary.pdf", "PDF (*.pdf)"
        )
        if path:
            self.print_summary(Path(path))

    def print_summary(self, path: Path) -> None:
        record_audited_act(self.ctx, AuditAction.PRINT, patient_id=self.selected_patient_id())
        title = self.current.display_name if self.current else self.title()
        alerts = [
            a
            for a in (self.current.alerts if self.current else ())
            if a.status is AlertStatus.ACTIVE
        ]
        self.trend.print_summary(path, title=title, alerts=alerts, describe=alert_text)
