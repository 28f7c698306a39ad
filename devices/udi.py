"""UDI for Medical Devices (0x2BFF) in the Device Information Service.

Layout (DIS 1.2 and GSS "UDI for Medical Devices"): Flags uint8 (bit0 UDI Label present, bit1
Device Identifier present, bit2 UDI Issuer present, bit3 UDI Authority present; bits 4-7
reserved), then the present fields in that order, each a UTF-8 string terminated by NUL. The
label is the human-readable UDI carrier (what the FHIR ``Device.udiCarrier.carrierHRF`` holds),
the device identifier the DI part, issuer and authority OIDs/names of the issuing agency.

Pure, any thread. Raises ``MalformedPayload``.
"""

from __future__ import annotations

from dataclasses import dataclass

from devices.errors import MalformedPayload

__all__ = ["Udi", "encode_udi", "parse_udi"]

_FIELDS = ("label", "device_identifier", "issuer", "authority")
_MAX_FIELD = 255


@dataclass(frozen=True, slots=True)
class Udi:
    """The device's Unique Device Identifier parts; absent ones are None."""

    label: str | None = None
    device_identifier: str | None = None
    issuer: str | None = None
    authority: str | None = None


def parse_udi(data: bytes, /) -> Udi:
    """Decode 0x2BFF. Raises ``MalformedPayload`` (reserved flags, missing terminator,
    invalid UTF-8, over-long field)."""
    if not data:
        raise MalformedPayload("length 0 < 1 required by flags", characteristic="2bff")
    flags = data[0]
    if flags & 0xF0:
        raise MalformedPayload("flags use reserved bits", characteristic="2bff")
    values: dict[str, str] = {}
    pos = 1
    for bit, name in enumerate(_FIELDS):
        if not flags & (1 << bit):
            continue
        end = data.find(b"\x00", pos)
        if end < 0:
            raise MalformedPayload(f"{name} has no NUL terminator", characteristic="2bff")
        raw = data[pos:end]
        if len(raw) > _MAX_FIELD:
            raise MalformedPayload(f"{name} longer than {_MAX_FIELD} octets", characteristic="2bff")
        try:
            values[name] = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedPayload(f"{name} is not UTF-8", characteristic="2bff") from None
        pos = end + 1
    if pos != len(data):
        raise MalformedPayload("octets after the last field", characteristic="2bff")
    return Udi(**values)


def encode_udi(udi: Udi) -> bytes:
    """On-air octets of ``udi`` (virtual device lab); inverse of :func:`parse_udi`."""
    flags = 0
    out = bytearray()
    for bit, name in enumerate(_FIELDS):
        value = getattr(udi, name)
        if value is None:
            continue
        encoded = value.encode("utf-8")
        if b"\x00" in encoded or len(encoded) > _MAX_FIELD:
            raise ValueError(f"{name} cannot be encoded")
        flags |= 1 << bit
        out += encoded + b"\x00"
    return bytes([flags]) + bytes(out)
