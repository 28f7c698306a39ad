"""Telemonitoring domain: parameters, thresholds, care plans, readings and alerts (stdlib only).

Values are in the parameter's UCUM unit (``Parameter.ucum_unit``); times are timezone-aware UTC.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta


class TelemonitoringError(Exception):
    """Base of the telemonitoring errors."""


class CarePlanFormatError(TelemonitoringError):
    """A care plan resource could not be interpreted (missing code, unknown unit...)."""


class Parameter(enum.Enum):
    """A monitored vital parameter: ``(key, LOINC code, UCUM unit, English label)``."""

    SYSTOLIC_BP = ("sbp", "8480-6", "mm[Hg]", "Systolic blood pressure")
    DIASTOLIC_BP = ("dbp", "8462-4", "mm[Hg]", "Diastolic blood pressure")
    HEART_RATE = ("hr", "8867-4", "/min", "Heart rate")
    SPO2 = ("spo2", "59408-5", "%", "Oxygen saturation")
    WEIGHT = ("weight", "29463-7", "kg", "Body weight")
    GLUCOSE = ("glucose", "2339-0", "mg/dL", "Blood glucose")
    TEMPERATURE = ("temperature", "8310-5", "Cel", "Body temperature")
    RESPIRATORY_RATE = ("rr", "9279-1", "/min", "Respiratory rate")

    def __init__(self, key: str, loinc: str, ucum_unit: str, label: str) -> None:
        self.key = key
        self.loinc = loinc
        self.ucum_unit = ucum_unit
        self.label = label

    @classmethod
    def from_loinc(cls, code: str) -> Parameter | None:
        """The parameter with LOINC ``code``, or None. SpO2's 2708-6 is accepted too."""
        if code == "2708-6":
            return cls.SPO2
        for p in cls:
            if p.loinc == code:
                return p
        return None

    @classmethod
    def from_key(cls, key: str) -> Parameter:
        """Raises KeyError for an unknown key."""
        for p in cls:
            if p.key == key:
                return p
        raise KeyError(key)


class Severity(enum.IntEnum):
    """Alarm severity; higher is more urgent."""

    INFO = 0
    WARNING = 1
    CRITICAL = 2


class Provenance(enum.Enum):
    """Where a reading comes from (level 1 bonded device, unbonded device, level 0 manual)."""

    DEVICE_BONDED = "device-bonded"
    DEVICE_UNBONDED = "device-unbonded"
    MANUAL = "manual"
    THIRD_PARTY = "third-party"


@dataclass(frozen=True, slots=True)
class AlarmBand:
    """A value inside ``[low, high]`` (inclusive; a None side is open) raises ``severity``."""

    severity: Severity
    low: float | None = None
    high: float | None = None

    def contains(self, value: float) -> bool:
        if self.low is not None and value < self.low:
            return False
        return not (self.high is not None and value > self.high)

    @property
    def direction(self) -> str:
        """``"high"`` when the band is open upward (``low`` only), else ``"low"``."""
        return "high" if self.high is None else "low"


@dataclass(frozen=True, slots=True)
class ValueRange:
    """A closed range; a None side is open."""

    low: float | None = None
    high: float | None = None

    def contains(self, value: float) -> bool:
        if self.low is not None and value < self.low:
            return False
        return not (self.high is not None and value > self.high)


@dataclass(frozen=True, slots=True)
class TrendRule:
    """Alarm when the value rises (``delta`` > 0) or falls by |delta| within ``window``."""

    delta: float
    window: timedelta
    severity: Severity = Severity.WARNING


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Per-parameter ranges of a care plan.

    ``plausible``: outside it a value is an entry/device error, not an alarm.
    ``target``: the treatment range. ``bands``: alarm bands, highest severity wins.
    """

    parameter: Parameter
    plausible: ValueRange | None = None
    target: ValueRange | None = None
    bands: tuple[AlarmBand, ...] = ()
    trend: TrendRule | None = None
    decimal_precision: int | None = None

    def severity_of(self, value: float) -> tuple[Severity, AlarmBand] | None:
        """The most severe band containing ``value``, or None."""
        best: AlarmBand | None = None
        for band in self.bands:
            if band.contains(value) and (best is None or band.severity > best.severity):
                best = band
        return None if best is None else (best.severity, best)


@dataclass(frozen=True, slots=True)
class CarePlan:
    """A patient's telemonitoring plan: parameters, thresholds and expected reading interval."""

    id: str
    patient_id: str
    programme: str
    title: str
    thresholds: tuple[Thresholds, ...]
    expected_interval: timedelta = timedelta(days=1)
    version_id: str | None = None

    def for_parameter(self, parameter: Parameter) -> Thresholds | None:
        for t in self.thresholds:
            if t.parameter is parameter:
                return t
        return None

    @property
    def parameters(self) -> tuple[Parameter, ...]:
        return tuple(t.parameter for t in self.thresholds)


@dataclass(frozen=True, slots=True)
class Reading:
    """One observation point. ``value`` is in ``parameter.ucum_unit``."""

    parameter: Parameter
    time_utc: datetime
    value: float
    provenance: Provenance = Provenance.DEVICE_BONDED
    device_id: str | None = None
    observation_id: str | None = None


class AlertKind(enum.Enum):
    THRESHOLD = "threshold"
    STALE = "stale"
    TREND = "trend"


class AlertStatus(enum.Enum):
    ACTIVE = "active"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


@dataclass(frozen=True, slots=True)
class Alert:
    """An explainable alert: ``rule`` says which rule fired, ``value``/``value_time_utc`` on what.

    ``resource_id``/``version_id`` identify the synced Flag (for If-Match acknowledgement).
    ``extra`` holds the rule's numbers as strings so a UI can phrase the explanation in the
    user's language: threshold ``band_low``/``band_high``; trend ``change``, ``base_value``,
    ``base_time`` (ISO), ``delta``, ``window_d``; stale ``expected_h``, ``age_h``.
    """

    id: str
    patient_id: str
    parameter: Parameter
    kind: AlertKind
    severity: Severity
    raised_at_utc: datetime
    rule: str
    explanation: str
    value: float | None = None
    value_time_utc: datetime | None = None
    status: AlertStatus = AlertStatus.ACTIVE
    resource_id: str | None = None
    version_id: str | None = None
    extra: tuple[tuple[str, str], ...] = field(default=())


@dataclass(frozen=True, slots=True)
class MonitoredPatient:
    """A row of the alert worklist (display name is shown, never logged)."""

    patient_id: str
    display_name: str
    plans: tuple[CarePlan, ...]
    alerts: tuple[Alert, ...] = ()

    @property
    def conditions(self) -> tuple[str, ...]:
        return tuple(p.programme for p in self.plans)

    @property
    def active_alerts(self) -> tuple[Alert, ...]:
        return tuple(a for a in self.alerts if a.status is AlertStatus.ACTIVE)

    def urgency(self) -> tuple[int, int, float]:
        """Sort key, larger is more urgent: max active severity, count, newest alert time."""
        active = self.active_alerts
        if not active:
            return (-1, 0, 0.0)
        return (
            max(int(a.severity) for a in active),
            len(active),
            max(a.raised_at_utc.timestamp() for a in active),
        )
