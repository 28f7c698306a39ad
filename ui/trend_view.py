"""Trend plots of several parameters on linked time axes, fast on years of data.

Each parameter gets a plot; x axes (UTC epoch seconds, shown by ``DateAxisItem`` in local time)
are linked. Curves are drawn from a min/max pyramid: on every range change only the visible part
is reduced to one (min, max) pair per pixel column, so peaks survive and the cost does not depend
on the history length (``bench/trend_render.py`` compares it with pyqtgraph's own
``setDownsampling(auto=True, method='peak')`` + ``setClipToView(True)``).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, QSizeF, Qt, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QKeyEvent,
    QKeySequence,
    QPageSize,
    QPdfWriter,
    QTextDocument,
)
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.domain.telemonitoring import Alert, AlertKind, CarePlan, Parameter, Provenance, Severity
from app.services.telemonitoring import Series

DAY_S = 86400.0
PRESETS: tuple[tuple[str, float | None], ...] = (
    ("24 h", DAY_S),
    ("7 d", 7 * DAY_S),
    ("30 d", 30 * DAY_S),
    ("1 y", 365 * DAY_S),
    ("All", None),
)
SEVERITY_COLORS = {
    Severity.INFO: QColor(40, 110, 200),
    Severity.WARNING: QColor(230, 150, 0),
    Severity.CRITICAL: QColor(205, 30, 40),
}
CURVE_COLOR = QColor(25, 60, 120)


class MinMaxPyramid:
    """Per-block min/max levels of a time-sorted series for O(pixels) peak-preserving views."""

    BRANCH = 16

    def __init__(self, times_s: np.ndarray, values: np.ndarray) -> None:
        self.t = times_s
        self.v = values
        self.levels: list[tuple[int, np.ndarray, np.ndarray]] = []
        mins, maxs, block = values, values, 1
        while len(mins) >= self.BRANCH * 4:
            n = len(mins) // self.BRANCH * self.BRANCH
            new_min = mins[:n].reshape(-1, self.BRANCH).min(axis=1)
            new_max = maxs[:n].reshape(-1, self.BRANCH).max(axis=1)
            if n < len(mins):  # the tail forms a last, shorter block
                new_min = np.append(new_min, mins[n:].min())
                new_max = np.append(new_max, maxs[n:].max())
            mins, maxs, block = new_min, new_max, block * self.BRANCH
            self.levels.append((block, mins, maxs))

    def view(self, t0: float, t1: float, buckets: int) -> tuple[np.ndarray, np.ndarray]:
        """Points to draw for ``[t0, t1]`` with at most ~``2 * buckets`` points."""
        t, v = self.t, self.v
        n_all = len(t)
        if n_all == 0:
            return t, v
        lo = max(int(np.searchsorted(t, t0, "left")) - 1, 0)
        hi = min(int(np.searchsorted(t, t1, "right")) + 1, n_all)
        n = hi - lo
        if n <= 4 * buckets:
            return t[lo:hi], v[lo:hi]
        edges = np.searchsorted(t, np.linspace(t[lo], t[hi - 1], buckets + 1))
        edges[-1] = hi
        block, mins, maxs = 1, v, v
        for b, lmin, lmax in self.levels:
            if b * 4 * buckets <= n:
                block, mins, maxs = b, lmin, lmax
        idx = np.unique(np.minimum(edges // block, len(mins) - 1))
        starts = idx[:-1] if len(idx) > 1 else idx
        bmin = np.minimum.reduceat(mins, starts)[: len(starts)]
        bmax = np.maximum.reduceat(maxs, starts)[: len(starts)]
        x = np.repeat(t[np.minimum(starts * block, n_all - 1)], 2)
        y = np.empty(2 * len(starts))
        y[0::2], y[1::2] = bmin, bmax
        return x, y


@dataclass
class _Track:
    parameter: Parameter
    plot: pg.PlotItem
    curve: pg.PlotDataItem
    marks: pg.ScatterPlotItem
    alerts: pg.ScatterPlotItem
    series: Series | None = None
    t: np.ndarray | None = None
    v: np.ndarray | None = None
    pyramid: MinMaxPyramid | None = None


class TrendView(QWidget):
    """Linked trend plots with bands, alert markers, presets, hover read-out and export.

    ``decimation``: ``"pyramid"`` (our min/max per pixel) or ``"pyqtgraph"`` (auto peak
    downsampling with clip-to-view), for the benchmark.
    """

    range_changed = Signal(float, float)

    def __init__(self, parent: QWidget | None = None, *, decimation: str = "pyramid") -> None:
        super().__init__(parent)
        self.setObjectName("trendView")
        self._decimation = decimation
        self._plan: CarePlan | None = None
        self._tracks: dict[Parameter, _Track] = {}
        self._updating = False
        self.graphics = pg.GraphicsLayoutWidget(self)
        self.graphics.setObjectName("trendPlots")
        self.graphics.setBackground("w")
        self.graphics.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.readout = QLabel(self)
        self.readout.setObjectName("trendReadout")
        self.readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.preset_group = QButtonGroup(self)
        self.preset_buttons: list[QPushButton] = []
        bar = QHBoxLayout()
        for i, (label, span) in enumerate(PRESETS):
            b = QPushButton(self)
            b.setCheckable(True)
            b.setObjectName(f"preset_{label.replace(' ', '')}")
            b.clicked.connect(lambda _=False, span=span: self.show_last(span))
            b.setShortcut(QKeySequence(f"Alt+{i + 1}"))
            self.preset_group.addButton(b, i)
            self.preset_buttons.append(b)
            bar.addWidget(b)
        bar.addStretch(1)
        self.export_png_button = QPushButton(self)
        self.export_csv_button = QPushButton(self)
        self.print_button = QPushButton(self)
        for b in (self.export_png_button, self.export_csv_button, self.print_button):
            bar.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.graphics, 1)
        layout.addWidget(self.readout)
        self.graphics.installEventFilter(self)
        self._mouse_proxy = pg.SignalProxy(
            self.graphics.scene().sigMouseMoved, rateLimit=30, slot=self._on_mouse
        )
        self.retranslate()

    # -- i18n ---------------------------------------------------------------------------------
    def retranslate(self) -> None:
        names = (
            self.tr("24 h"),
            self.tr("7 d"),
            self.tr("30 d"),
            self.tr("1 y"),
            self.tr("All"),
        )
        spans = (
            self.tr("last 24 hours"),
            self.tr("last 7 days"),
            self.tr("last 30 days"),
            self.tr("last year"),
            self.tr("all data"),
        )
        for i, (b, name, span) in enumerate(zip(self.preset_buttons, names, spans, strict=True)):
            b.setText(name)
            b.setAccessibleName(self.tr("Show %1").replace("%1", span))
            b.setToolTip(f"{self.tr('Show %1').replace('%1', span)} (Alt+{i + 1})")
        self.export_png_button.setText(self.tr("Export image"))
        self.export_png_button.setAccessibleName(self.tr("Export the plots as a PNG image"))
        self.export_csv_button.setText(self.tr("Export CSV"))
        self.export_csv_button.setAccessibleName(self.tr("Export the visible data as CSV"))
        self.print_button.setText(self.tr("Print summary"))
        self.print_button.setAccessibleName(self.tr("Save a printable summary as PDF"))
        self.graphics.setAccessibleName(self.tr("Trend plots"))
        self.graphics.setAccessibleDescription(
            self.tr("Left and Right pan, + and - zoom, Home shows all data")
        )
        self.readout.setAccessibleName(self.tr("Value under the pointer"))
        for track in self._tracks.values():
            track.plot.setLabel(
                "left", f"{parameter_label(track.parameter)} ({display_unit(track.parameter)})"
            )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Keyboard pan/zoom on the plots: Left/Right pan, +/- zoom, Home shows everything."""
        if watched is self.graphics and event.type() == QEvent.Type.KeyPress and self._tracks:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            x0, x1 = self.x_range()
            span = x1 - x0
            first = next(iter(self._tracks.values())).plot
            if key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
                step = span * 0.2 * (-1 if key == Qt.Key.Key_Left else 1)
                first.setXRange(x0 + step, x1 + step, padding=0)
                return True
            if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal, Qt.Key.Key_Minus):
                factor = 0.5 if key != Qt.Key.Key_Minus else 2.0
                mid = (x0 + x1) / 2
                first.setXRange(mid - span * factor / 2, mid + span * factor / 2, padding=0)
                return True
            if key == Qt.Key.Key_Home:
                self.show_last(None)
                return True
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- content ------------------------------------------------------------------------------
    @property
    def parameters(self) -> tuple[Parameter, ...]:
        return tuple(self._tracks)

    def track_points(self, parameter: Parameter) -> int:
        """Points currently drawn for ``parameter`` (after decimation)."""
        track = self._tracks[parameter]
        x, _ = track.curve.getData()
        return 0 if x is None else len(x)

    def set_parameters(self, parameters: Sequence[Parameter], plan: CarePlan | None) -> None:
        """Rebuild the plots: one per parameter, x linked, bands from ``plan``."""
        self.graphics.clear()
        self._tracks.clear()
        self._plan = plan
        first: pg.PlotItem | None = None
        for row, parameter in enumerate(parameters):
            axis = pg.DateAxisItem(orientation="bottom")
            plot = self.graphics.addPlot(row=row, col=0, axisItems={"bottom": axis})
            plot.setMenuEnabled(False)
            # No grid: its translucent lines cost ~15 ms per frame offscreen (bench/trend_render.py).
            plot.setLabel("left", f"{parameter_label(parameter)} ({display_unit(parameter)})")
            plot.getAxis("left").setWidth(70)
            plot.setMouseEnabled(x=True, y=False)
            vb = plot.getViewBox()
            if self._decimation == "pyqtgraph":
                vb.enableAutoRange(axis="y")
            else:  # y follows the visible data and the target range (see _redraw)
                vb.disableAutoRange(axis="y")
            if first is None:
                first = plot
            else:
                plot.setXLink(first)
            if row < len(parameters) - 1:
                axis.setStyle(showValues=False)
            curve = pg.PlotDataItem(pen=pg.mkPen(CURVE_COLOR, width=1.2))
            if self._decimation == "pyqtgraph":
                curve.setDownsampling(auto=True, method="peak")
                curve.setClipToView(True)
            marks = pg.ScatterPlotItem(size=8, pen=pg.mkPen(CURVE_COLOR), brush=pg.mkBrush("w"))
            alerts = pg.ScatterPlotItem(size=13)
            plot.addItem(curve)
            plot.addItem(marks)
            plot.addItem(alerts)
            self._add_bands(plot, parameter)
            self._tracks[parameter] = _Track(parameter, plot, curve, marks, alerts)
        if first is not None:
            first.getViewBox().sigXRangeChanged.connect(self._on_x_range)

    def _add_bands(self, plot: pg.PlotItem, parameter: Parameter) -> None:
        thresholds = self._plan.for_parameter(parameter) if self._plan else None
        if thresholds is None:
            return
        far = 1e6
        if thresholds.target is not None:
            lo = thresholds.target.low if thresholds.target.low is not None else -far
            hi = thresholds.target.high if thresholds.target.high is not None else far
            region = pg.LinearRegionItem(
                (lo, hi),
                orientation="horizontal",
                movable=False,
                brush=pg.mkBrush(40, 160, 80, 28),
                pen=pg.mkPen(None),
            )
            region.setZValue(-20)
            plot.addItem(region, ignoreBounds=True)
        for band in thresholds.bands:
            color = QColor(SEVERITY_COLORS[band.severity])
            color.setAlpha(30 if band.severity is Severity.WARNING else 45)
            lo = band.low if band.low is not None else -far
            hi = band.high if band.high is not None else far
            region = pg.LinearRegionItem(
                (lo, hi), orientation="horizontal", movable=False, brush=pg.mkBrush(color)
            )
            for line in region.lines:
                line.setPen(
                    pg.mkPen(SEVERITY_COLORS[band.severity], width=1, style=Qt.PenStyle.DashLine)
                )
            region.setZValue(-10)
            plot.addItem(region, ignoreBounds=True)

    def set_series(self, series: Series) -> None:
        """Show ``series`` (zero-copy view of its arrays); keeps the current x range."""
        track = self._tracks.get(series.parameter)
        if track is None:
            return
        track.series = series
        t = np.frombuffer(series.times_s, dtype=np.float64) if len(series) else np.empty(0)
        v = np.frombuffer(series.values, dtype=np.float64) if len(series) else np.empty(0)
        track.t, track.v = t, v
        if self._decimation == "pyqtgraph":
            track.curve.setData(t, v)
        else:
            track.pyramid = MinMaxPyramid(t, v)
            self._redraw(track)
        self._mark_provenance(track)

    def _mark_provenance(self, track: _Track) -> None:
        s = track.series
        if s is None or not s.origins:
            track.marks.setData([], [])
            return
        special = [
            i for i, (prov, _) in enumerate(s.origins) if prov is not Provenance.DEVICE_BONDED
        ]
        if not special:
            track.marks.setData([], [])
            return
        origin = np.frombuffer(s.origin, dtype=np.uint8)
        mask = np.isin(origin, special)
        symbols = [
            "s" if s.origins[o][0] is Provenance.MANUAL else "d" for o in origin[mask].tolist()
        ]
        assert track.t is not None and track.v is not None
        track.marks.setData(x=track.t[mask], y=track.v[mask], symbol=symbols)

    def set_alerts(self, alerts: Sequence[Alert]) -> None:
        """Markers at the alerting values (stale alerts at the last reading, on the curve)."""
        by_param: dict[Parameter, list[dict[str, object]]] = {p: [] for p in self._tracks}
        for a in alerts:
            if a.parameter not in by_param or a.value_time_utc is None:
                continue
            track = self._tracks[a.parameter]
            y = a.value
            if y is None and track.t is not None and len(track.t):
                i = int(
                    np.clip(
                        np.searchsorted(track.t, a.value_time_utc.timestamp()), 0, len(track.t) - 1
                    )
                )
                y = float(track.v[i]) if track.v is not None else None
            if y is None:
                continue
            by_param[a.parameter].append(
                {
                    "pos": (a.value_time_utc.timestamp(), y),
                    "symbol": "o" if a.kind is AlertKind.STALE else "t1",
                    "brush": pg.mkBrush(SEVERITY_COLORS[a.severity]),
                    "pen": pg.mkPen("k", width=0.8),
                    "data": a.id,
                }
            )
        for p, spots in by_param.items():
            self._tracks[p].alerts.setData(spots)

    # -- ranges -------------------------------------------------------------------------------
    def data_extent(self) -> tuple[float, float] | None:
        spans = [
            (t[0], t[-1]) for tr in self._tracks.values() if (t := tr.t) is not None and len(t)
        ]
        if not spans:
            return None
        return min(s[0] for s in spans), max(s[1] for s in spans)

    def show_last(self, span_s: float | None) -> None:
        """Show the last ``span_s`` seconds up to the newest reading (None: everything)."""
        extent = self.data_extent()
        if extent is None or not self._tracks:
            return
        start, end = extent
        if span_s is not None:
            start = end - span_s
        pad = max((end - start) * 0.02, 60.0)
        first = next(iter(self._tracks.values())).plot
        first.setXRange(start, end + pad, padding=0)
        for i, (_, s) in enumerate(PRESETS):
            if s == span_s:
                self.preset_buttons[i].setChecked(True)

    def x_range(self) -> tuple[float, float]:
        first = next(iter(self._tracks.values())).plot
        (x0, x1), _ = first.getViewBox().viewRange()
        return float(x0), float(x1)

    def _on_x_range(self, _vb: object, rng: tuple[float, float]) -> None:
        if self._decimation == "pyramid":
            for track in self._tracks.values():
                self._redraw(track, rng)
        self.range_changed.emit(float(rng[0]), float(rng[1]))

    def _redraw(self, track: _Track, rng: tuple[float, float] | None = None) -> None:
        if track.pyramid is None:
            return
        if rng is None:
            (x0, x1), _ = track.plot.getViewBox().viewRange()
        else:
            x0, x1 = rng
        width = max(int(track.plot.getViewBox().width()), 200)
        x, y = track.pyramid.view(x0, x1, width)
        track.curve.setData(x, y)
        inside = y[(x >= x0) & (x <= x1)] if len(x) else y
        if not len(inside):
            return
        lo, hi = float(inside.min()), float(inside.max())
        # Show the target limits when they are near the data, so the band is visible without
        # flattening the curve (a 40-150 kg plausible target would).
        span = max(hi - lo, 1.0)
        th = self._plan.for_parameter(track.parameter) if self._plan else None
        if th is not None and th.target is not None:
            for limit in (th.target.low, th.target.high):
                if limit is not None and lo - span <= limit <= hi + span:
                    lo, hi = min(lo, limit), max(hi, limit)
        pad = max((hi - lo) * 0.08, 0.5)
        track.plot.setYRange(lo - pad, hi + pad, padding=0)

    # -- hover --------------------------------------------------------------------------------
    def _on_mouse(self, args: tuple[QPointF]) -> None:
        pos = args[0]
        for track in self._tracks.values():
            if track.plot.sceneBoundingRect().contains(pos):
                x = track.plot.getViewBox().mapSceneToView(pos).x()
                self.readout.setText(self.readout_at(track.parameter, x))
                self.readout.setAccessibleDescription(self.readout.text())
                return

    def readout_at(self, parameter: Parameter, time_s: float) -> str:
        """Exact value, time and device of the reading nearest to ``time_s`` (epoch s)."""
        track = self._tracks[parameter]
        if track.t is None or track.v is None or not len(track.t) or track.series is None:
            return ""
        i = int(np.searchsorted(track.t, time_s))
        if i >= len(track.t) or (i > 0 and time_s - track.t[i - 1] < track.t[i] - time_s):
            i -= 1
        i = max(i, 0)
        prov, device = track.series.origin_of(i)
        when = datetime.fromtimestamp(float(track.t[i]), UTC).astimezone()
        source = {
            Provenance.DEVICE_BONDED: self.tr("bonded device %1"),
            Provenance.DEVICE_UNBONDED: self.tr("unbonded device %1"),
            Provenance.MANUAL: self.tr("manual entry"),
            Provenance.THIRD_PARTY: self.tr("third-party platform %1"),
        }[prov].replace("%1", device or "?")
        return (
            f"{parameter_label(parameter)}: {track.v[i]:g} {display_unit(parameter)} · "
            f"{when:%Y-%m-%d %H:%M} · {source}"
        )

    # -- export -------------------------------------------------------------------------------
    def export_png(self, path: Path) -> bool:
        """Save the plots as they look now."""
        return bool(self.graphics.grab().save(str(path), "PNG"))

    def export_csv(self, path: Path, *, visible_only: bool = True) -> int:
        """Write ``parameter,loinc,time_utc,value,unit,provenance,device`` rows; returns rows."""
        x0, x1 = self.x_range() if visible_only and self._tracks else (-np.inf, np.inf)
        rows = 0
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["parameter", "loinc", "time_utc", "value", "unit", "provenance", "device"])
            for track in self._tracks.values():
                if track.series is None or track.t is None or track.v is None:
                    continue
                lo, hi = np.searchsorted(track.t, [x0, x1])
                s = track.series
                for i in range(int(lo), int(hi)):
                    prov, dev = s.origin_of(i)
                    w.writerow(
                        [
                            track.parameter.key,
                            track.parameter.loinc,
                            datetime.fromtimestamp(float(track.t[i]), UTC).isoformat(),
                            f"{track.v[i]:g}",
                            track.parameter.ucum_unit,
                            prov.value,
                            dev or "",
                        ]
                    )
                    rows += 1
        return rows

    def summary_html(
        self,
        *,
        title: str,
        alerts: Sequence[Alert],
        describe: Callable[[Alert], str] = lambda a: a.explanation,
    ) -> str:
        """A print-friendly HTML summary of the visible range (statistics, targets, alerts)."""
        x0, x1 = self.x_range() if self._tracks else (0.0, 0.0)
        fmt = "%Y-%m-%d %H:%M"
        start = datetime.fromtimestamp(max(x0, 0), UTC).astimezone().strftime(fmt)
        end = datetime.fromtimestamp(max(x1, 0), UTC).astimezone().strftime(fmt)
        rows = []
        for track in self._tracks.values():
            if track.t is None or track.v is None:
                continue
            lo, hi = np.searchsorted(track.t, [x0, x1])
            part = track.v[int(lo) : int(hi)]
            th = self._plan.for_parameter(track.parameter) if self._plan else None
            target = ""
            if th is not None and th.target is not None:
                target = f"{th.target.low if th.target.low is not None else ''}–{th.target.high if th.target.high is not None else ''}"
            if len(part):
                stats = f"<td>{len(part)}</td><td>{part.min():g}</td><td>{part.mean():.1f}</td><td>{part.max():g}</td><td>{part[-1]:g}</td>"
            else:
                stats = "<td>0</td><td></td><td></td><td></td><td></td>"
            rows.append(
                f"<tr><td>{parameter_label(track.parameter)} ({display_unit(track.parameter)})</td>{stats}<td>{target}</td></tr>"
            )
        alert_items = "".join(
            f"<li><b>{severity_label(a.severity)}</b> – {_html(describe(a))}</li>" for a in alerts
        )
        head = [
            self.tr("Parameter"),
            self.tr("Readings"),
            self.tr("Min"),
            self.tr("Mean"),
            self.tr("Max"),
            self.tr("Last"),
            self.tr("Target"),
        ]
        period = self.tr("Period")
        alerts_title = self.tr("Alerts")
        header = "".join(f"<th>{h}</th>" for h in head)
        return (
            f"<h2>{_html(title)}</h2><p>{period}: {start} – {end}</p>"
            "<table border='1' cellspacing='0' cellpadding='3'>"
            f"<tr>{header}</tr>{''.join(rows)}</table>"
            f"<h3>{alerts_title}</h3><ul>{alert_items or '<li>–</li>'}</ul>"
            "<p><img src='trend://plots' width='1100'></p>"
        )

    def print_summary(
        self,
        path: Path,
        *,
        title: str,
        alerts: Sequence[Alert],
        describe: Callable[[Alert], str] = lambda a: a.explanation,
    ) -> None:
        """Write the summary (with the plots as an image) to a PDF at ``path`` (A4)."""
        doc = QTextDocument()
        image = self.graphics.grab().toImage()
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl("trend://plots"), image)
        font = doc.defaultFont()
        font.setPixelSize(20)  # 150 dpi page: about 10 pt
        doc.setDefaultFont(font)
        doc.setHtml(self.summary_html(title=title, alerts=alerts, describe=describe))
        writer = QPdfWriter(str(path))
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        writer.setResolution(150)
        writer.setTitle(title)
        doc.setPageSize(QSizeF(writer.width(), writer.height()))
        doc.print_(writer)

    def render_image(self) -> QImage:
        image: QImage = self.graphics.grab().toImage()
        return image


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def parameter_label(parameter: Parameter) -> str:
    """The translated short name of a parameter."""
    from PySide6.QtCore import QCoreApplication

    names = {
        Parameter.SYSTOLIC_BP: QCoreApplication.translate("Parameter", "Systolic BP"),
        Parameter.DIASTOLIC_BP: QCoreApplication.translate("Parameter", "Diastolic BP"),
        Parameter.HEART_RATE: QCoreApplication.translate("Parameter", "Heart rate"),
        Parameter.SPO2: QCoreApplication.translate("Parameter", "SpO2"),
        Parameter.WEIGHT: QCoreApplication.translate("Parameter", "Weight"),
        Parameter.GLUCOSE: QCoreApplication.translate("Parameter", "Glucose"),
        Parameter.TEMPERATURE: QCoreApplication.translate("Parameter", "Temperature"),
        Parameter.RESPIRATORY_RATE: QCoreApplication.translate("Parameter", "Respiratory rate"),
    }
    return names[parameter]


DISPLAY_UNITS = {"mm[Hg]": "mmHg", "Cel": "°C", "/min": "/min"}


def display_unit(parameter: Parameter) -> str:
    """The unit as people write it (UCUM ``mm[Hg]`` -> ``mmHg``)."""
    return DISPLAY_UNITS.get(parameter.ucum_unit, parameter.ucum_unit)


def severity_label(severity: Severity) -> str:
    from PySide6.QtCore import QCoreApplication

    return {
        Severity.INFO: QCoreApplication.translate("Severity", "Information"),
        Severity.WARNING: QCoreApplication.translate("Severity", "Warning"),
        Severity.CRITICAL: QCoreApplication.translate("Severity", "Critical"),
    }[severity]
