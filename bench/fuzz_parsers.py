"""Soak test and throughput of the GATT parsers on random payloads.

Feeds N random payloads (default 1,000,000) to every parser in ``devices`` and checks that
nothing but ``MalformedPayload`` escapes; prints payloads/s per parser and, where one
exists, the ratio against a naive ``struct``-based decoder of the same characteristic
written the way ad-hoc scripts usually are (no length checks beyond struct's own, floats
instead of Decimals, no plausibility, no special values). The peer does less work, so a
ratio below 1 is the price of validation and exact decimals; both decoders see the same
payloads.

Payload mixes per parser: ``random`` (uniform bytes, length 0..40, mostly rejected early),
``shaped`` (random flags, exactly the length those flags require; random dates and values are
then mostly rejected by the date and plausibility checks) and ``vectors`` (the captured
payloads of tests/fixtures/gatt_vectors.json that decode fully, repeated: the happy path). Usage: ``.venv/bin/python bench/fuzz_parsers.py [-n 1000000] [--seed 1]``.
"""

from __future__ import annotations

import argparse
import random
import struct
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devices.blood_pressure.parser import (  # noqa: E402
    parse_blood_pressure_feature,
    parse_blood_pressure_measurement,
    parse_intermediate_cuff_pressure,
)
from devices.errors import MalformedPayload  # noqa: E402
from devices.gatt_time import parse_current_time  # noqa: E402
from devices.glucose.parser import (  # noqa: E402
    parse_glucose_measurement,
    parse_glucose_measurement_context,
)
from devices.glucose.racp import parse_racp_request, parse_racp_response  # noqa: E402
from devices.heart_rate.parser import parse_heart_rate_measurement  # noqa: E402
from devices.pulse_oximeter.parser import (  # noqa: E402
    parse_plx_continuous,
    parse_plx_features,
    parse_plx_spot_check,
)
from devices.thermometer.parser import parse_temperature_measurement  # noqa: E402
from devices.weight_scale.parser import (  # noqa: E402
    parse_body_composition_measurement,
    parse_mi_scale_v1_advertisement,
    parse_weight_measurement,
)

AT = datetime(2026, 11, 24, tzinfo=UTC)


# --- naive peers: what a quick struct-based script does -------------------------------


def _naive_sfloat(raw: int) -> float:
    mantissa = raw & 0x0FFF
    exponent = raw >> 12
    if mantissa >= 0x0800:
        mantissa -= 0x1000
    if exponent >= 0x8:
        exponent -= 0x10
    return float(mantissa * 10.0**exponent)


def naive_bp(data: bytes) -> dict[str, Any]:
    flags = data[0]
    sys_, dia, mean = struct.unpack_from("<HHH", data, 1)
    out: dict[str, Any] = {
        "systolic": _naive_sfloat(sys_),
        "diastolic": _naive_sfloat(dia),
        "map": _naive_sfloat(mean),
    }
    i = 7
    if flags & 0x02:
        out["ts"] = struct.unpack_from("<HBBBBB", data, i)
        i += 7
    if flags & 0x04:
        out["pulse"] = _naive_sfloat(struct.unpack_from("<H", data, i)[0])
        i += 2
    if flags & 0x08:
        out["user"] = data[i]
        i += 1
    if flags & 0x10:
        out["status"] = struct.unpack_from("<H", data, i)[0]
    return out


def naive_hr(data: bytes) -> dict[str, Any]:
    flags = data[0]
    if flags & 0x01:
        hr = struct.unpack_from("<H", data, 1)[0]
        i = 3
    else:
        hr = data[1]
        i = 2
    out: dict[str, Any] = {"hr": hr}
    if flags & 0x08:
        out["energy"] = struct.unpack_from("<H", data, i)[0]
        i += 2
    if flags & 0x10:
        n = (len(data) - i) // 2
        out["rr"] = struct.unpack_from(f"<{n}H", data, i)
    return out


def naive_temp(data: bytes) -> dict[str, Any]:
    flags = data[0]
    raw = struct.unpack_from("<I", data, 1)[0]
    mantissa = raw & 0xFFFFFF
    if mantissa >= 0x800000:
        mantissa -= 0x1000000
    exponent = struct.unpack("b", bytes([raw >> 24]))[0]
    out: dict[str, Any] = {"t": mantissa * 10.0**exponent}
    i = 5
    if flags & 0x02:
        out["ts"] = struct.unpack_from("<HBBBBB", data, i)
        i += 7
    if flags & 0x04:
        out["type"] = data[i]
    return out


def naive_weight(data: bytes) -> dict[str, Any]:
    flags = data[0]
    w = struct.unpack_from("<H", data, 1)[0] * (0.01 if flags & 1 else 0.005)
    out: dict[str, Any] = {"w": w}
    i = 3
    if flags & 0x02:
        out["ts"] = struct.unpack_from("<HBBBBB", data, i)
        i += 7
    if flags & 0x04:
        out["user"] = data[i]
        i += 1
    if flags & 0x08:
        out["bmi"], out["h"] = struct.unpack_from("<HH", data, i)
    return out


def naive_glucose(data: bytes) -> dict[str, Any]:
    flags = data[0]
    seq, *ts = struct.unpack_from("<HHBBBBB", data, 1)
    out: dict[str, Any] = {"seq": seq, "ts": ts}
    i = 10
    if flags & 0x01:
        out["offset"] = struct.unpack_from("<h", data, i)[0]
        i += 2
    if flags & 0x02:
        out["c"] = _naive_sfloat(struct.unpack_from("<H", data, i)[0])
        out["tl"] = data[i + 2]
        i += 3
    if flags & 0x08:
        out["status"] = struct.unpack_from("<H", data, i)[0]
    return out


def naive_plx_cont(data: bytes) -> dict[str, Any]:
    flags = data[0]
    spo2, pr = struct.unpack_from("<HH", data, 1)
    out: dict[str, Any] = {"spo2": _naive_sfloat(spo2), "pr": _naive_sfloat(pr)}
    i = 5
    for bit, name in ((0x01, "fast"), (0x02, "slow")):
        if flags & bit:
            a, b = struct.unpack_from("<HH", data, i)
            out[name] = (_naive_sfloat(a), _naive_sfloat(b))
            i += 4
    if flags & 0x04:
        out["ms"] = struct.unpack_from("<H", data, i)[0]
        i += 2
    if flags & 0x08:
        out["ds"] = int.from_bytes(data[i : i + 3], "little")
        i += 3
    if flags & 0x10:
        out["pai"] = _naive_sfloat(struct.unpack_from("<H", data, i)[0])
    return out


NAIVE_ERRORS = (struct.error, IndexError, ValueError)


# --- payload shapes: required length for given flags ----------------------------------


def _len_bp(f: int) -> int:
    return 7 + 7 * bool(f & 2) + 2 * bool(f & 4) + bool(f & 8) + 2 * bool(f & 16)


def _len_hr(f: int) -> int:
    return 2 + bool(f & 1) + 2 * bool(f & 8) + 4 * bool(f & 16)


def _len_temp(f: int) -> int:
    return 5 + 7 * bool(f & 2) + bool(f & 4)


def _len_weight(f: int) -> int:
    return 3 + 7 * bool(f & 2) + bool(f & 4) + 4 * bool(f & 8)


def _len_glucose(f: int) -> int:
    return 10 + 2 * bool(f & 1) + 3 * bool(f & 2) + 2 * bool(f & 8)


def _len_plx_cont(f: int) -> int:
    return (
        5 + 4 * bool(f & 1) + 4 * bool(f & 2) + 2 * bool(f & 4) + 3 * bool(f & 8) + 2 * bool(f & 16)
    )


Reading = Callable[..., Any]
CASES: list[tuple[str, Reading, bool, Callable[[bytes], Any] | None, Callable[[int], int] | None]]
CASES = [
    ("2a35 blood pressure", parse_blood_pressure_measurement, True, naive_bp, _len_bp),
    ("2a36 cuff pressure", parse_intermediate_cuff_pressure, True, None, _len_bp),
    ("2a37 heart rate", parse_heart_rate_measurement, True, naive_hr, _len_hr),
    ("2a1c temperature", parse_temperature_measurement, True, naive_temp, _len_temp),
    ("2a18 glucose", parse_glucose_measurement, True, naive_glucose, _len_glucose),
    ("2a34 glucose context", parse_glucose_measurement_context, True, None, None),
    ("2a5e PLX spot-check", parse_plx_spot_check, True, None, None),
    ("2a5f PLX continuous", parse_plx_continuous, True, naive_plx_cont, _len_plx_cont),
    ("2a9d weight", parse_weight_measurement, True, naive_weight, _len_weight),
    ("2a9c body composition", parse_body_composition_measurement, True, None, None),
    ("181d Mi Scale adv", parse_mi_scale_v1_advertisement, True, None, None),
    ("2a52 RACP request", parse_racp_request, False, None, None),
    ("2a52 RACP response", parse_racp_response, False, None, None),
    ("2a49 BP feature", parse_blood_pressure_feature, False, None, None),
    ("2a60 PLX features", parse_plx_features, False, None, None),
    ("2a2b current time", parse_current_time, False, None, None),
]


def _random_payloads(rng: random.Random, n: int) -> list[bytes]:
    return [rng.randbytes(rng.randrange(41)) for _ in range(n)]


def _shaped_payloads(rng: random.Random, n: int, length: Callable[[int], int]) -> list[bytes]:
    out = []
    for _ in range(n):
        flags = rng.randrange(32)
        out.append(bytes([flags]) + rng.randbytes(length(flags) - 1))
    return out


def _vector_payloads(uuid: str, parse: Reading, reading: bool, n: int) -> list[bytes]:
    """Captured payloads of this characteristic that decode fully (tests/fixtures vectors)."""
    import json

    fixture = Path(__file__).resolve().parent.parent / "tests/fixtures/gatt_vectors.json"
    good = []
    for v in json.loads(fixture.read_text())["vectors"]:
        if v["characteristic_uuid"] != uuid:
            continue
        data = bytes.fromhex(v["hex"])
        try:
            parse(data, received_at=AT) if reading else parse(data)
        except MalformedPayload:
            continue
        good.append(data)
    return (good * (n // len(good) + 1))[:n] if good else []


def _run_ours(parse: Reading, reading: bool, payloads: list[bytes]) -> tuple[float, int]:
    ok = 0
    start = time.perf_counter()
    if reading:
        for p in payloads:
            try:
                parse(p, received_at=AT)
                ok += 1
            except MalformedPayload:
                pass
    else:
        for p in payloads:
            try:
                parse(p)
                ok += 1
            except MalformedPayload:
                pass
    return time.perf_counter() - start, ok


def _run_peer(peer: Callable[[bytes], Any], payloads: list[bytes]) -> float:
    start = time.perf_counter()
    for p in payloads:
        try:
            peer(p)
        except NAIVE_ERRORS:
            pass
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=1_000_000, help="payloads per parser and mix")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    print(
        f"{args.n:,} payloads per parser and mix, seed {args.seed}, Python {sys.version.split()[0]}"
    )
    header = f"{'parser':24} {'mix':7} {'accepted':>9} {'ours/s':>11} {'naive/s':>11} {'ratio':>6}"
    print(header)
    print("-" * len(header))
    failures = 0
    for name, parse, reading, peer, length in CASES:
        mixes = [("random", _random_payloads(rng, args.n))]
        if length is not None:
            mixes.append(("shaped", _shaped_payloads(rng, args.n, length)))
        captured = _vector_payloads(name.split()[0], parse, reading, args.n)
        if captured:
            mixes.append(("vectors", captured))
        for mix, payloads in mixes:
            try:
                elapsed, ok = _run_ours(parse, reading, payloads)
            except Exception as exc:  # the soak's whole point: report any escape
                print(f"{name:24} {mix:7} FAILED: {type(exc).__name__}: {exc}")
                failures += 1
                continue
            rate = len(payloads) / elapsed
            peer_txt = ratio_txt = "-"
            if peer is not None:
                peer_rate = len(payloads) / _run_peer(peer, payloads)
                peer_txt = f"{peer_rate:,.0f}"
                ratio_txt = f"{rate / peer_rate:.2f}"
            print(f"{name:24} {mix:7} {ok:>9,} {rate:>11,.0f} {peer_txt:>11} {ratio_txt:>6}")
    print(
        "ratio = ours/naive payloads per second (same payloads). The naive peer skips length,"
        " date and plausibility checks and returns binary floats, so it is expected to be faster."
    )
    if failures:
        print(f"{failures} parser(s) let a non-MalformedPayload exception escape")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
