"""Health Thermometer Service 1.0: Temperature Measurement (0x2A1C, also Intermediate
Temperature 0x2A1E) and Temperature Type (0x2A1D).

Layout (HTS 1.0 and GSS): Flags uint8 (bit0 unit 0=Celsius 1=Fahrenheit, bit1
Time Stamp, bit2 Temperature Type), FLOAT temperature (4 octets), optional Date Time,
optional uint8 Temperature Type (GSS: 1 armpit, 2 body, 3 ear, 4 finger,
5 gastro-intestinal, 6 mouth, 7 rectum, 8 toe, 9 tympanum; others reserved).

Pure, any thread. Raises ``MalformedPayload``/``ImplausibleValue``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from devices.gatt_time import GattDateTime, encode_date_time, read_date_time
from devices.ieee11073 import Measurement
from devices.plausibility import check_range
from devices.wire import PayloadReader, PayloadWriter, require_aware, require_length

__all__ = [
    "encode_temperature_measurement",
    "TemperatureMeasurement",
    "TemperatureType",
    "TemperatureUnit",
    "parse_temperature_measurement",
    "parse_temperature_type",
]

_FAHRENHEIT = 0x01
_TIMESTAMP = 0x02
_TYPE = 0x04


class TemperatureUnit(enum.StrEnum):
    CELSIUS = "C"
    FAHRENHEIT = "F"


class TemperatureType(enum.IntEnum):
    """Temperature Type values (GSS)."""

    ARMPIT = 1
    BODY = 2
    EAR = 3
    FINGER = 4
    GASTROINTESTINAL_TRACT = 5
    MOUTH = 6
    RECTUM = 7
    TOE = 8
    TYMPANUM = 9


@dataclass(frozen=True, slots=True)
class TemperatureMeasurement:
    """One 0x2A1C indication; ``temperature`` is in ``unit`` (FLOAT, precision kept)."""

    unit: TemperatureUnit
    temperature: Measurement
    timestamp: GattDateTime | None
    temperature_type: TemperatureType | None
    received_at: datetime


def _read_type(reader: PayloadReader) -> TemperatureType:
    raw = reader.u8("temperature type")
    try:
        return TemperatureType(raw)
    except ValueError:
        raise reader.fail("temperature type is a reserved value") from None


def parse_temperature_measurement(
    data: bytes, /, *, received_at: datetime, check_plausibility: bool = True
) -> TemperatureMeasurement:
    """Decode 0x2A1C/0x2A1E. Raises ``MalformedPayload`` or ``ImplausibleValue``
    (outside 10..50 C / 50..122 F)."""
    require_aware(received_at)
    reader = PayloadReader(data, characteristic="2a1c")
    require_length(data, 1, characteristic="2a1c")
    flags = reader.u8("flags")
    required = 5 + (7 if flags & _TIMESTAMP else 0) + (1 if flags & _TYPE else 0)
    require_length(data, required, characteristic="2a1c")
    unit = TemperatureUnit.FAHRENHEIT if flags & _FAHRENHEIT else TemperatureUnit.CELSIUS
    temperature = reader.float32("temperature")
    timestamp = read_date_time(reader) if flags & _TIMESTAMP else None
    ttype = _read_type(reader) if flags & _TYPE else None
    if check_plausibility:
        low, high = (10, 50) if unit is TemperatureUnit.CELSIUS else (50, 122)
        check_range(
            temperature, low, high, field="temperature", characteristic="2a1c", unit=unit.value
        )
    return TemperatureMeasurement(
        unit=unit,
        temperature=temperature,
        timestamp=timestamp,
        temperature_type=ttype,
        received_at=received_at,
    )


def parse_temperature_type(data: bytes, /) -> TemperatureType:
    """Decode the 0x2A1D read value (one octet). Raises ``MalformedPayload``."""
    reader = PayloadReader(data, characteristic="2a1d")
    require_length(data, 1, characteristic="2a1d")
    return _read_type(reader)


def encode_temperature_measurement(reading: TemperatureMeasurement) -> bytes:
    """On-air octets of ``reading`` (virtual device lab); inverse of the parser.
    Raises ``ValueError`` if the temperature does not fit a FLOAT."""
    w = PayloadWriter()
    flags = _FAHRENHEIT if reading.unit is TemperatureUnit.FAHRENHEIT else 0
    w.float32(reading.temperature)
    if reading.timestamp is not None:
        flags |= _TIMESTAMP
        w.raw(encode_date_time(reading.timestamp))
    if reading.temperature_type is not None:
        flags |= _TYPE
        w.uint(reading.temperature_type, 1)
    return bytes([flags]) + w.getvalue()
