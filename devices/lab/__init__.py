"""The virtual device lab: BLE health devices emulated with bumble on a LocalLink.

Used by the tests, the benchmark and demo/training mode. Application code reaches the virtual
devices through bleak with the backend classes of :meth:`VirtualRadio.backends`, exactly as it
reaches real devices through BlueZ.
"""

from devices.lab.peripherals import (
    FACTORY_CLOCK,
    BloodPressureMonitor,
    GlucoseMeter,
    HeartRateMonitor,
    LabOptions,
    MiScale,
    PulseOximeter,
    Thermometer,
    VirtualDevice,
    WeightScale,
)
from devices.lab.radio import VirtualRadio

__all__ = [
    "FACTORY_CLOCK",
    "BloodPressureMonitor",
    "GlucoseMeter",
    "HeartRateMonitor",
    "LabOptions",
    "MiScale",
    "PulseOximeter",
    "Thermometer",
    "VirtualDevice",
    "VirtualRadio",
    "WeightScale",
]
