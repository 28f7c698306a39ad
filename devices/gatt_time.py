"""GATT Date Time (0x2A08) and Current Time (0x2A2B) fields.

GSS "Date Time": year uint16 (1582..9999, 0 = not known), month uint8 (1..12, 0 = not
known), day uint8 (1..31, 0 = not known), hours 0..23, minutes 0..59, seconds 0..59; 7 octets.
Current Time Service 1.1 / GSS "Current Time": Exact Time 256 = Day Date Time
(Date Time + Day of Week 0..7) + Fractions256, then Adjust Reason; 10 octets.

Device clocks carry no time zone; :meth:`GattDateTime.to_datetime` takes the zone explicitly.
Pure, any thread.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, tzinfo

from devices.errors import MalformedPayload
from devices.wire import PayloadReader

__all__ = [
    "DATE_TIME_LENGTH",
    "AdjustReason",
    "CurrentTime",
    "GattDateTime",
    "decode_date_time",
    "encode_current_time",
    "encode_date_time",
    "parse_current_time",
    "read_date_time",
]

DATE_TIME_LENGTH = 7


@dataclass(frozen=True, slots=True)
class GattDateTime:
    """A device wall-clock time; ``year``/``month``/``day`` 0 mean "not known" (GSS).

    Construction raises ``MalformedPayload`` when a field is outside its GSS range."""

    year: int
    month: int
    day: int
    hours: int
    minutes: int
    seconds: int

    def __post_init__(self) -> None:
        problem = _check(self)
        if problem:
            raise MalformedPayload(problem, characteristic="Date Time")

    @property
    def is_complete(self) -> bool:
        """True when year, month and day are all known."""
        return self.year != 0 and self.month != 0 and self.day != 0

    def isoformat(self) -> str:
        """``YYYY-MM-DDTHH:MM:SS`` with zeros kept for unknown parts (``0000-04-17T20:41:59``)."""
        return (
            f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
            f"T{self.hours:02d}:{self.minutes:02d}:{self.seconds:02d}"
        )

    def to_datetime(self, tz: tzinfo) -> datetime | None:
        """Aware datetime in ``tz`` (the device's configured zone), or None if the date is
        incomplete or does not exist (e.g. 31 February)."""
        if not self.is_complete:
            return None
        try:
            return datetime(
                self.year, self.month, self.day, self.hours, self.minutes, self.seconds, tzinfo=tz
            )
        except ValueError:
            return None

    @classmethod
    def from_datetime(cls, value: datetime) -> GattDateTime:
        """Wall-clock fields of ``value`` (its own zone); microseconds are dropped."""
        return cls(value.year, value.month, value.day, value.hour, value.minute, value.second)


def _check(t: GattDateTime) -> str | None:
    if not (t.year == 0 or 1582 <= t.year <= 9999):
        return "Date Time year outside 1582..9999 (0 = unknown)"
    if not 0 <= t.month <= 12:
        return "Date Time month outside 0..12"
    if not 0 <= t.day <= 31:
        return "Date Time day outside 0..31"
    if not 0 <= t.hours <= 23:
        return "Date Time hours outside 0..23"
    if not 0 <= t.minutes <= 59:
        return "Date Time minutes outside 0..59"
    if not 0 <= t.seconds <= 59:
        return "Date Time seconds outside 0..59"
    return None


def read_date_time(reader: PayloadReader, field: str = "timestamp") -> GattDateTime:
    """Read a 7-octet Date Time from ``reader``; raises ``MalformedPayload`` on bad fields."""
    raw = reader.take(DATE_TIME_LENGTH, field)
    return _from_raw(raw, reader.characteristic)


def _from_raw(raw: bytes, characteristic: str) -> GattDateTime:
    year = int.from_bytes(raw[0:2], "little")
    probe = (year, raw[2], raw[3], raw[4], raw[5], raw[6])
    try:
        return GattDateTime(*probe)
    except MalformedPayload as exc:
        raise MalformedPayload(exc.reason, characteristic=characteristic) from None


def decode_date_time(data: bytes) -> GattDateTime:
    """Decode a Date Time characteristic (0x2A08) value of exactly 7 octets."""
    if len(data) != DATE_TIME_LENGTH:
        raise MalformedPayload(f"length {len(data)} != 7", characteristic="2a08")
    return _from_raw(bytes(data), "2a08")


def encode_date_time(value: GattDateTime) -> bytes:
    """The 7 on-air octets of ``value`` (inverse of :func:`decode_date_time`)."""
    return value.year.to_bytes(2, "little") + bytes(
        (value.month, value.day, value.hours, value.minutes, value.seconds)
    )


class AdjustReason(enum.IntFlag):
    """Current Time "Adjust Reason" bits (CTS 1.1)."""

    MANUAL_TIME_UPDATE = 0x01
    EXTERNAL_REFERENCE_TIME_UPDATE = 0x02
    CHANGE_OF_TIME_ZONE = 0x04
    CHANGE_OF_DST = 0x08


@dataclass(frozen=True, slots=True)
class CurrentTime:
    """Current Time (0x2A2B): date time, ISO day of week (1 = Monday, 0 = unknown),
    fractions of a second in 1/256 s, and the adjust reason."""

    date_time: GattDateTime
    day_of_week: int
    fractions256: int
    adjust_reason: AdjustReason

    @classmethod
    def from_datetime(
        cls, value: datetime, reason: AdjustReason = AdjustReason.MANUAL_TIME_UPDATE
    ) -> CurrentTime:
        """What a driver writes to set a device clock to ``value`` (wall clock of its zone)."""
        return cls(
            GattDateTime.from_datetime(value),
            value.isoweekday(),
            value.microsecond * 256 // 1_000_000,
            reason,
        )


def parse_current_time(data: bytes) -> CurrentTime:
    """Decode 0x2A2B (10 octets); raises ``MalformedPayload``."""
    reader = PayloadReader(data, characteristic="2a2b")
    if len(data) < 10:
        raise reader.fail(f"length {len(data)} < 10 required by flags")
    dt = read_date_time(reader, "exact time")
    dow = reader.u8("day of week")
    if dow > 7:
        raise reader.fail("day of week outside 0..7")
    frac = reader.u8("fractions256")
    reason = reader.u8("adjust reason")
    if reason & 0xF0:
        raise reader.fail("adjust reason uses reserved bits")
    return CurrentTime(dt, dow, frac, AdjustReason(reason))


def encode_current_time(value: CurrentTime) -> bytes:
    """The 10 on-air octets of a Current Time write (inverse of :func:`parse_current_time`)."""
    if not 0 <= value.day_of_week <= 7 or not 0 <= value.fractions256 <= 255:
        raise ValueError("day_of_week must be 0..7 and fractions256 0..255")
    return encode_date_time(value.date_time) + bytes(
        (value.day_of_week, value.fractions256, int(value.adjust_reason))
    )
