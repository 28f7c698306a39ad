"""The compact saved form of a trend series (offline copies in the vault) reads back exactly, and
a damaged copy is refused (None), never shown half-read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.telemonitoring import Parameter, Provenance, Reading
from app.services.telemonitoring import Series, series_from_json, series_to_json


def _series() -> Series:
    s = Series(Parameter.SPO2)
    t0 = datetime(2026, 11, 1, 8, tzinfo=UTC)
    for i in range(500):
        prov = Provenance.MANUAL if i % 7 == 0 else Provenance.DEVICE_BONDED
        s.add(Reading(Parameter.SPO2, t0 + timedelta(minutes=i), 90 + (i % 9) * 0.5, prov,
                      None if prov is Provenance.MANUAL else f"oxi-{i % 2}"))  # fmt: skip
    return s


def test_round_trip_is_exact() -> None:
    s = _series()
    back = series_from_json(series_to_json(s), Parameter.SPO2)
    assert back is not None
    assert list(back.times_s) == list(s.times_s)
    assert list(back.values) == list(s.values)
    assert [back.origin_of(i) for i in range(len(back))] == [s.origin_of(i) for i in range(len(s))]


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d.pop("values"),
        lambda d: d.update(values=d["values"][:-8]),  # one value short
        lambda d: d.update(times_s="not base64!"),
        lambda d: d.update(origins=[["no-such-provenance", None]]),
        lambda d: d.update(origins=d["origins"][:1]),  # points refer to a missing origin
    ],
)
def test_damaged_copy_is_refused(damage) -> None:
    data = series_to_json(_series())
    damage(data)
    assert series_from_json(data, Parameter.SPO2) is None
