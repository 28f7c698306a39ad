"""FHIR date/dateTime/instant parsing into half-open UTC ranges of microseconds.

FHIR compares dates by the implicit range of their precision ("2026-11" is the
whole month). Every value becomes ``[lo_us, hi_us)`` in microseconds since the
Unix epoch, UTC. Values without a time zone are taken as UTC. Pure functions,
any thread.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from .errors import FhirError

__all__ = ["MAX_US", "MIN_US", "format_instant", "parse_range", "period_range"]

MIN_US = -(2**62)
MAX_US = 2**62

_DATE_RE = re.compile(
    r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2})"
    r"(?:T(?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.(?P<f>\d{1,9}))?)?"
    r"(?P<tz>Z|[+-]\d{2}:\d{2})?)?)?)?$"
)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _to_us(moment: dt.datetime) -> int:
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def parse_range(text: str) -> tuple[int, int]:
    """Return the ``[lo_us, hi_us)`` range a FHIR date/dateTime/instant denotes.

    Raises:
        FhirError: 400 if ``text`` is not a FHIR date, dateTime or instant.
    """
    match = _DATE_RE.match(text.strip())
    if match is None:
        raise FhirError(400, "invalid", f"not a FHIR date/dateTime: {text!r}")
    try:
        year = int(match["y"])
        if match["m"] is None:
            start = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
            return _to_us(start), _to_us(start.replace(year=year + 1))
        month = int(match["m"])
        if match["d"] is None:
            start = dt.datetime(year, month, 1, tzinfo=dt.UTC)
            days = calendar.monthrange(year, month)[1]
            return _to_us(start), _to_us(start + dt.timedelta(days=days))
        day = int(match["d"])
        if match["H"] is None:
            start = dt.datetime(year, month, day, tzinfo=dt.UTC)
            return _to_us(start), _to_us(start + dt.timedelta(days=1))
        tz: dt.tzinfo = dt.UTC
        if match["tz"] and match["tz"] != "Z":
            sign = 1 if match["tz"][0] == "+" else -1
            hours, minutes = int(match["tz"][1:3]), int(match["tz"][4:6])
            tz = dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))
        start = dt.datetime(
            year, month, day, int(match["H"]), int(match["M"]), int(match["S"] or 0), tzinfo=tz
        )
        lo = _to_us(start)
        if match["S"] is None:
            return lo, lo + 60_000_000
        fraction = match["f"]
        if fraction is None:
            return lo, lo + 1_000_000
        digits = fraction[:6]
        lo += int(digits.ljust(6, "0"))
        return lo, lo + 10 ** (6 - len(digits))
    except ValueError as exc:
        raise FhirError(400, "invalid", f"not a valid date: {text!r}") from exc


def period_range(start: str | None, end: str | None) -> tuple[int, int]:
    """Return the range of a FHIR Period; an open end is unbounded.

    Raises:
        FhirError: 400 if either bound is malformed.
    """
    lo = parse_range(start)[0] if start else MIN_US
    hi = parse_range(end)[1] if end else MAX_US
    return lo, hi


def format_instant(us: int) -> str:
    """Format microseconds since the epoch as a FHIR instant with millisecond precision (UTC)."""
    moment = _EPOCH + dt.timedelta(microseconds=us)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
