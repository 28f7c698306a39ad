"""Device model registry: one frozen :class:`DeviceDescriptor` per model.

A descriptor says how to recognise a model in a scan (advertised name patterns, service
UUIDs), which characteristic feeds which pure parser, what the model can do and which
quirks the driver must honour. Generic descriptors cover any device that implements a
standard Bluetooth SIG profile; model descriptors come first in :data:`DESCRIPTORS` so a
named model wins over the generic profile. Quirks marked "reported" come from public bug
reports or community code and must be confirmed on hardware before a driver relies on them.

Pure data, any thread.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from devices.blood_pressure.parser import (
    parse_blood_pressure_measurement,
    parse_intermediate_cuff_pressure,
)
from devices.glucose.parser import parse_glucose_measurement, parse_glucose_measurement_context
from devices.heart_rate.parser import parse_heart_rate_measurement
from devices.pulse_oximeter.parser import parse_plx_continuous, parse_plx_spot_check
from devices.thermometer.parser import parse_temperature_measurement
from devices.weight_scale.parser import (
    parse_body_composition_measurement,
    parse_mi_scale_v1_advertisement,
    parse_weight_measurement,
)

__all__ = [
    "DESCRIPTORS",
    "Capability",
    "CharacteristicBinding",
    "DeviceDescriptor",
    "Quirk",
    "Service",
    "find_descriptor",
    "sig_uuid",
]


def sig_uuid(short: int) -> str:
    """128-bit lower-case form of a 16-bit Bluetooth SIG UUID (as bleak reports them)."""
    return f"0000{short:04x}-0000-1000-8000-00805f9b34fb"


class Service(enum.StrEnum):
    """Standard services (16-bit SIG assigned numbers, 128-bit form)."""

    BLOOD_PRESSURE = sig_uuid(0x1810)
    HEALTH_THERMOMETER = sig_uuid(0x1809)
    GLUCOSE = sig_uuid(0x1808)
    HEART_RATE = sig_uuid(0x180D)
    PULSE_OXIMETER = sig_uuid(0x1822)
    WEIGHT_SCALE = sig_uuid(0x181D)
    BODY_COMPOSITION = sig_uuid(0x181B)
    CURRENT_TIME = sig_uuid(0x1805)
    DEVICE_INFORMATION = sig_uuid(0x180A)


class Capability(enum.StrEnum):
    BLOOD_PRESSURE = "blood_pressure"
    CUFF_PRESSURE_STREAM = "cuff_pressure_stream"
    SPO2_SPOT_CHECK = "spo2_spot_check"
    SPO2_CONTINUOUS = "spo2_continuous"
    BODY_TEMPERATURE = "body_temperature"
    WEIGHT = "weight"
    BODY_COMPOSITION = "body_composition"
    GLUCOSE = "glucose"
    GLUCOSE_CONTEXT = "glucose_context"
    STORED_RECORDS = "stored_records"  # RACP download
    HEART_RATE = "heart_rate"
    CLOCK_SET = "clock_set"  # Current Time write
    ADVERTISEMENT_ONLY = "advertisement_only"  # no connection needed


class Quirk(enum.StrEnum):
    """Deviations a driver must handle; each has a matching branch in the driver."""

    BOND_BEFORE_INDICATIONS = "bond_before_indications"
    PIN_PAIRING = "pin_pairing"
    SET_CLOCK_AFTER_PAIRING = "set_clock_after_pairing"
    SENDS_STORED_BATCH_ON_CONNECT = "sends_stored_batch_on_connect"
    DISCONNECTS_AFTER_TRANSFER = "disconnects_after_transfer"
    RACP_LENIENT_COUNT = "racp_lenient_count"
    CLOCK_NOT_SET_SENDS_ZERO_DATE = "clock_not_set_sends_zero_date"
    PROPRIETARY_SERVICE = "proprietary_service"
    VENDOR_ADVERTISEMENT = "vendor_advertisement"


@dataclass(frozen=True, slots=True)
class CharacteristicBinding:
    """Which parser decodes a characteristic; ``notify`` False means indications."""

    uuid: str
    parser: Callable[..., object]
    notify: bool = False


@dataclass(frozen=True, slots=True)
class DeviceDescriptor:
    """Everything static about one model (or one generic profile)."""

    model_id: str
    manufacturer: str
    display_name: str
    name_patterns: tuple[str, ...]
    service_uuids: frozenset[str]
    characteristics: tuple[CharacteristicBinding, ...]
    capabilities: frozenset[Capability]
    quirks: frozenset[Quirk] = frozenset()
    notes: str = ""
    generic: bool = False
    _compiled: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_compiled", tuple(re.compile(p) for p in self.name_patterns))

    def parser_for(self, characteristic_uuid: str) -> Callable[..., object] | None:
        """The parser bound to a characteristic (16-bit ``"2a35"`` or 128-bit form)."""
        key = characteristic_uuid.lower()
        for binding in self.characteristics:
            if binding.uuid in (key, key[4:8] if len(key) == 36 else key):
                return binding.parser
        return None

    def matches(self, name: str | None, service_uuids: Iterable[str]) -> bool:
        """True if the advertised name matches a pattern, or (generic descriptors) the
        advertised services include this profile's service."""
        if name and any(p.search(name) for p in self._compiled):
            return True
        if self.generic:
            advertised = {u.lower() for u in service_uuids}
            return bool(self.service_uuids & advertised)
        return False


def _b(uuid: str, parser: Callable[..., object], *, notify: bool = False) -> CharacteristicBinding:
    return CharacteristicBinding(uuid, parser, notify)


_BP = (
    _b("2a35", parse_blood_pressure_measurement),
    _b("2a36", parse_intermediate_cuff_pressure, notify=True),
)
_PLX = (_b("2a5e", parse_plx_spot_check), _b("2a5f", parse_plx_continuous, notify=True))
_GLUCOSE = (
    _b("2a18", parse_glucose_measurement, notify=True),
    _b("2a34", parse_glucose_measurement_context, notify=True),
)

GENERIC = (
    DeviceDescriptor(
        "generic-blood-pressure",
        "",
        "Blood pressure monitor (Bluetooth BLS)",
        (),
        frozenset({Service.BLOOD_PRESSURE}),
        _BP,
        frozenset({Capability.BLOOD_PRESSURE, Capability.CUFF_PRESSURE_STREAM}),
        generic=True,
    ),
    DeviceDescriptor(
        "generic-pulse-oximeter",
        "",
        "Pulse oximeter (Bluetooth PLXS)",
        (),
        frozenset({Service.PULSE_OXIMETER}),
        _PLX,
        frozenset({Capability.SPO2_SPOT_CHECK, Capability.SPO2_CONTINUOUS}),
        generic=True,
    ),
    DeviceDescriptor(
        "generic-thermometer",
        "",
        "Thermometer (Bluetooth HTS)",
        (),
        frozenset({Service.HEALTH_THERMOMETER}),
        (_b("2a1c", parse_temperature_measurement),),
        frozenset({Capability.BODY_TEMPERATURE}),
        generic=True,
    ),
    DeviceDescriptor(
        "generic-weight-scale",
        "",
        "Weight scale (Bluetooth WSS)",
        (),
        frozenset({Service.WEIGHT_SCALE}),
        (_b("2a9d", parse_weight_measurement),),
        frozenset({Capability.WEIGHT}),
        quirks=frozenset({Quirk.CLOCK_NOT_SET_SENDS_ZERO_DATE}),
        generic=True,
    ),
    DeviceDescriptor(
        "generic-body-composition",
        "",
        "Body composition analyser (Bluetooth BCS)",
        (),
        frozenset({Service.BODY_COMPOSITION}),
        (_b("2a9c", parse_body_composition_measurement),),
        frozenset({Capability.BODY_COMPOSITION}),
        generic=True,
    ),
    DeviceDescriptor(
        "generic-glucose",
        "",
        "Glucose meter (Bluetooth GLS)",
        (),
        frozenset({Service.GLUCOSE}),
        _GLUCOSE,
        frozenset({Capability.GLUCOSE, Capability.GLUCOSE_CONTEXT, Capability.STORED_RECORDS}),
        quirks=frozenset({Quirk.BOND_BEFORE_INDICATIONS}),
        notes="GLS requires an encrypted link for the RACP and measurement CCCDs.",
        generic=True,
    ),
    DeviceDescriptor(
        "generic-heart-rate",
        "",
        "Heart rate sensor (Bluetooth HRS)",
        (),
        frozenset({Service.HEART_RATE}),
        (_b("2a37", parse_heart_rate_measurement, notify=True),),
        frozenset({Capability.HEART_RATE}),
        generic=True,
    ),
)

MODELS = (
    DeviceDescriptor(
        "omron-blesmart",
        "Omron Healthcare",
        "Omron connected blood pressure monitor (e.g. HEM-7600T Evolv)",
        (r"^BLEsmart_",),
        frozenset({Service.BLOOD_PRESSURE, Service.CURRENT_TIME}),
        _BP,
        frozenset({Capability.BLOOD_PRESSURE, Capability.CLOCK_SET}),
        quirks=frozenset(
            {
                Quirk.BOND_BEFORE_INDICATIONS,
                Quirk.SENDS_STORED_BATCH_ON_CONNECT,
                Quirk.SET_CLOCK_AFTER_PAIRING,
            }
        ),
        notes=(
            "Reported: advertises as 'BLEsmart_<hex>' only while in pairing/transfer mode; "
            "indications need a bond; unsent stored readings arrive in a burst after the CCCD "
            "write; full history uses a proprietary Omron protocol (not handled here)."
        ),
    ),
    DeviceDescriptor(
        "and-ua-651ble",
        "A&D Medical",
        "A&D UA-651BLE blood pressure monitor",
        (r"^A&D_UA-651",),
        frozenset({Service.BLOOD_PRESSURE}),
        (_b("2a35", parse_blood_pressure_measurement),),
        frozenset({Capability.BLOOD_PRESSURE, Capability.CLOCK_SET}),
        quirks=frozenset(
            {
                Quirk.BOND_BEFORE_INDICATIONS,
                Quirk.SET_CLOCK_AFTER_PAIRING,
                Quirk.DISCONNECTS_AFTER_TRANSFER,
            }
        ),
        notes=(
            "Reported: the clock must be written (Date Time 0x2A08 / Current Time) after "
            "pairing or timestamps are wrong; the device drops the link soon after sending."
        ),
    ),
    DeviceDescriptor(
        "nonin-3230",
        "Nonin Medical",
        "Nonin 3230 finger pulse oximeter",
        (r"^Nonin3230",),
        frozenset({Service.PULSE_OXIMETER}),
        _PLX,
        frozenset({Capability.SPO2_SPOT_CHECK, Capability.SPO2_CONTINUOUS}),
        quirks=frozenset({Quirk.PROPRIETARY_SERVICE}),
        notes=(
            "Reported: also exposes Nonin's proprietary Oximetry Service "
            "(46a970e0-0d5f-11e2-8b5e-0002a5d5c51b); only the standard PLX service is "
            "decoded here. Verify the UUID against the Nonin integration guide."
        ),
    ),
    DeviceDescriptor(
        "roche-accu-chek",
        "Roche Diabetes Care",
        "Roche Accu-Chek Guide / Instant glucose meter",
        (r"^meter\+\d+",),
        frozenset({Service.GLUCOSE, Service.CURRENT_TIME}),
        _GLUCOSE,
        frozenset(
            {
                Capability.GLUCOSE,
                Capability.GLUCOSE_CONTEXT,
                Capability.STORED_RECORDS,
                Capability.CLOCK_SET,
            }
        ),
        quirks=frozenset({Quirk.PIN_PAIRING, Quirk.BOND_BEFORE_INDICATIONS}),
        notes=(
            "Reported: advertises as 'meter+<serial>'; passkey pairing with the PIN printed "
            "on the meter; download with RACP 'report stored records >= last sequence + 1'."
        ),
    ),
    DeviceDescriptor(
        "ascensia-contour-plus-one",
        "Ascensia Diabetes Care",
        "Contour Plus One glucose meter",
        (r"^Contour",),
        frozenset({Service.GLUCOSE}),
        _GLUCOSE,
        frozenset({Capability.GLUCOSE, Capability.GLUCOSE_CONTEXT, Capability.STORED_RECORDS}),
        quirks=frozenset({Quirk.PIN_PAIRING, Quirk.BOND_BEFORE_INDICATIONS}),
        notes="RACP command set as used in pauldemarco/flutter_blue issue #830.",
    ),
    DeviceDescriptor(
        "xiaomi-xmtzc01hm",
        "Xiaomi",
        "Xiaomi Mi Smart Scale (XMTZC01HM)",
        (r"^MI_SCALE$", r"^MI SCALE"),
        frozenset({Service.WEIGHT_SCALE}),
        (_b("181d-adv", parse_mi_scale_v1_advertisement),),
        frozenset({Capability.WEIGHT, Capability.ADVERTISEMENT_ONLY}),
        quirks=frozenset({Quirk.VENDOR_ADVERTISEMENT}),
        notes=(
            "Weight arrives in 0x181D service data with vendor control-byte semantics "
            "(custom-components/ble_monitor issue #292); no GATT connection is needed."
        ),
    ),
)

#: Model descriptors first, then the generic profiles.
DESCRIPTORS: tuple[DeviceDescriptor, ...] = MODELS + GENERIC


def find_descriptor(name: str | None, service_uuids: Iterable[str] = ()) -> DeviceDescriptor | None:
    """The first descriptor matching an advertisement (name and/or 128-bit service UUIDs)."""
    services = [u.lower() for u in service_uuids]
    for descriptor in DESCRIPTORS:
        if descriptor.matches(name, services):
            return descriptor
    return None
