"""Loader and comparison helpers for tests/fixtures/gatt_vectors.json."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "gatt_vectors.json"

# Vectors whose expected values are synthetic (not physiological) and which the default
# plausibility limits therefore reject; they are decoded with check_plausibility=False and a
# separate test asserts that the default rejects them. Reasons from each vector's note/source.
SYNTHETIC = {
    "1b0100e307021b0b0a1efbff1e00120501": "note: 'Synthetic value 30 kg/L'",
    "ff0000b303640004123c003204d3f459f1": "Nordic unit-test values: 100 kg carbohydrate, 123.5 L",
    "feaf1234e7070206121c002a23453456456756786789789a89ab9abcabcd": "note: synthetic values",
    "00501234": "same source as above: body fat 1333.0 %",
}


def load() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return data


def vectors() -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = load()["vectors"]
    return result


def vector_id(index: int, v: dict[str, Any]) -> str:
    return f"{index:02d}-{v['kind']}-{v['characteristic_uuid']}-{v['hex'][:16]}"


def same(got: Any, expected: Any) -> bool:
    """Equality where JSON numbers compare by decimal value (37.60 == 37.6, 100.0 == 100)."""
    if isinstance(expected, bool) or isinstance(got, bool):
        return type(got) is type(expected) and got == expected
    if isinstance(expected, int | float) and isinstance(got, int | float | Decimal):
        return Decimal(str(got)) == Decimal(str(expected))
    if isinstance(expected, dict):
        return (
            isinstance(got, dict)
            and got.keys() == expected.keys()
            and all(same(got[k], expected[k]) for k in expected)
        )
    if isinstance(expected, list):
        return (
            isinstance(got, list)
            and len(got) == len(expected)
            and all(same(a, b) for a, b in zip(got, expected, strict=True))
        )
    return type(got) is type(expected) and got == expected
