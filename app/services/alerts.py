"""Alert evaluation (threshold with hysteresis, stale data, trend) and FHIR Flag mapping.

Every alert is explainable: ``Alert.rule`` names the rule and ``Alert.explanation`` says which
value, when, and against which limit. The clock is injectable so tests are deterministic.

Hysteresis: once a threshold alert of a severity is raised for a parameter, a further alert of the
same or lower severity is not raised until the value has left the band by at least the
hysteresis margin (then the alert is resolved and may fire again). A value hovering at the limit
therefore raises one alert, not one per reading.

Thread affinity: :class:`AlertEvaluator` is not thread-safe; use it from one thread (the core
loop). The Flag mappers are pure.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from app.domain.telemonitoring import (
    AlarmBand,
    Alert,
    AlertKind,
    AlertStatus,
    CarePlan,
    Parameter,
    Reading,
    Severity,
    Thresholds,
)

Clock = Callable[[], datetime]

FLAG_ALERT_SYSTEM = "https://fhir.regional-sim.example/CodeSystem/telemonitoring-alert"
FLAG_RULE_EXTENSION = "https://fhir.regional-sim.example/StructureDefinition/alert-rule"
FLAG_SEVERITY_EXTENSION = "https://fhir.regional-sim.example/StructureDefinition/alarm-severity"
FLAG_IDENTIFIER_SYSTEM = "urn:ietf:rfc:3986"


def utc_now() -> datetime:
    return datetime.now(UTC)


_DISPLAY_UNITS = {"mm[Hg]": "mmHg", "Cel": "°C"}


def display_unit(ucum: str) -> str:
    """UCUM as people write it in explanations (``mm[Hg]`` -> ``mmHg``)."""
    return _DISPLAY_UNITS.get(ucum, ucum)


def _fmt(value: float, precision: int | None) -> str:
    if precision is None:
        return f"{value:g}"
    return f"{value:.{precision}f}"


def _band_text(band: AlarmBand, unit: str, precision: int | None) -> str:
    if band.low is not None and band.high is not None:
        return f"between {_fmt(band.low, precision)} and {_fmt(band.high, precision)} {unit}"
    if band.low is not None:
        return f">= {_fmt(band.low, precision)} {unit}"
    assert band.high is not None
    return f"<= {_fmt(band.high, precision)} {unit}"


def _alert_id(patient_id: str, key: str) -> str:
    """Deterministic id (uuid5) so a re-evaluation produces the same Flag id."""
    return str(uuid.UUID(bytes=hashlib.sha256(f"{patient_id}|{key}".encode()).digest()[:16]))


@dataclass(frozen=True, slots=True)
class AlertPolicy:
    """Tunables. ``hysteresis_fraction`` of the band limit (e.g. 2% of 160 mmHg = 3.2 mmHg)."""

    hysteresis_fraction: float = 0.02
    stale_grace_factor: float = 1.5  # stale after expected interval * factor
    stale_critical_factor: float = 3.0


class AlertEvaluator:
    """Stateful evaluator for one or many patients.

    Feed readings in time order per parameter with :meth:`add_readings`; call
    :meth:`check_stale` periodically. Returns newly raised alerts; :meth:`alerts` lists them all.
    """

    def __init__(self, *, clock: Clock = utc_now, policy: AlertPolicy | None = None) -> None:
        self._clock = clock
        self._policy = policy or AlertPolicy()
        # (patient, parameter) -> the open threshold alert
        self._open_threshold: dict[tuple[str, Parameter], Alert] = {}
        self._open_trend: dict[tuple[str, Parameter], Alert] = {}
        self._open_stale: dict[tuple[str, Parameter], Alert] = {}
        self._history: dict[tuple[str, Parameter], list[Reading]] = {}
        self._alerts: dict[str, Alert] = {}

    def alerts(self, patient_id: str | None = None) -> list[Alert]:
        """Every alert (active, acknowledged, resolved), newest first."""
        out = [a for a in self._alerts.values() if patient_id in (None, a.patient_id)]
        return sorted(out, key=lambda a: a.raised_at_utc, reverse=True)

    def acknowledge(self, alert_id: str) -> Alert:
        """Mark an alert acknowledged locally. Raises KeyError for an unknown id."""
        alert = replace(self._alerts[alert_id], status=AlertStatus.ACKNOWLEDGED)
        self._alerts[alert_id] = alert
        return alert

    def _store(self, alert: Alert) -> Alert:
        self._alerts[alert.id] = alert
        return alert

    def _resolve(
        self, table: dict[tuple[str, Parameter], Alert], key: tuple[str, Parameter]
    ) -> None:
        open_alert = table.pop(key, None)
        if open_alert is not None and open_alert.status is AlertStatus.ACTIVE:
            self._alerts[open_alert.id] = replace(open_alert, status=AlertStatus.RESOLVED)

    # -- threshold ----------------------------------------------------------------------------
    def add_readings(self, plan: CarePlan, readings: Iterable[Reading]) -> list[Alert]:
        """Evaluate threshold and trend rules on new readings (time order); returns new alerts.

        Readings outside the plausible range are ignored (entry/device errors, not alarms).
        """
        raised: list[Alert] = []
        for r in readings:
            t = plan.for_parameter(r.parameter)
            if t is None:
                continue
            if t.plausible is not None and not t.plausible.contains(r.value):
                continue
            key = (plan.patient_id, r.parameter)
            self._resolve(self._open_stale, key)
            a = self._threshold(plan, t, r)
            if a is not None:
                raised.append(a)
            a = self._trend(plan, t, r)
            if a is not None:
                raised.append(a)
        return raised

    def _threshold(self, plan: CarePlan, t: Thresholds, r: Reading) -> Alert | None:
        key = (plan.patient_id, r.parameter)
        hit = t.severity_of(r.value)
        current = self._open_threshold.get(key)
        if current is not None:
            still = hit is not None and hit[0] >= current.severity
            if still:
                assert hit is not None
                if hit[0] == current.severity:
                    return None
            elif self._within_hysteresis(t, current, r.value):
                return None
            else:
                self._resolve(self._open_threshold, key)
                current = None
        if hit is None:
            return None
        severity, band = hit
        unit = display_unit(r.parameter.ucum_unit)
        rule = f"{r.parameter.key} {_band_text(band, unit, None)} -> {severity.name.lower()}"
        explanation = (
            f"{r.parameter.label} {_fmt(r.value, t.decimal_precision)} {unit} at "
            f"{r.time_utc.isoformat(timespec='minutes')} is "
            f"{_band_text(band, unit, t.decimal_precision)} "
            f"({severity.name.lower()} threshold of care plan {plan.title})"
        )
        if current is not None:
            self._resolve(self._open_threshold, key)
        alert = Alert(
            id=_alert_id(plan.patient_id, f"threshold|{r.parameter.key}|{r.time_utc.isoformat()}"),
            patient_id=plan.patient_id,
            parameter=r.parameter,
            kind=AlertKind.THRESHOLD,
            severity=severity,
            raised_at_utc=self._clock(),
            rule=rule,
            explanation=explanation,
            value=r.value,
            value_time_utc=r.time_utc,
            extra=(("band_low", str(band.low)), ("band_high", str(band.high))),
        )
        self._open_threshold[key] = alert
        return self._store(alert)

    def _within_hysteresis(self, t: Thresholds, current: Alert, value: float) -> bool:
        """True while ``value`` is still within the margin of the band that raised ``current``."""
        extra = dict(current.extra)
        low = None if extra.get("band_low") in (None, "None") else float(extra["band_low"])
        high = None if extra.get("band_high") in (None, "None") else float(extra["band_high"])
        limit = low if low is not None else high
        margin = abs(limit or 0.0) * self._policy.hysteresis_fraction
        if low is not None and value < low - margin:
            return False
        return not (high is not None and value > high + margin)

    # -- trend --------------------------------------------------------------------------------
    def _trend(self, plan: CarePlan, t: Thresholds, r: Reading) -> Alert | None:
        if t.trend is None:
            return None
        key = (plan.patient_id, r.parameter)
        hist = self._history.setdefault(key, [])
        hist.append(r)
        cutoff = r.time_utc - t.trend.window
        while hist and hist[0].time_utc < cutoff:
            hist.pop(0)
        rule = t.trend
        if rule.delta > 0:
            base = min(hist, key=lambda x: x.value)
            change = r.value - base.value
            fired = change >= rule.delta and base.time_utc <= r.time_utc
        else:
            base = max(hist, key=lambda x: x.value)
            change = r.value - base.value
            fired = change <= rule.delta
        if not fired:
            if key in self._open_trend and abs(change) < abs(rule.delta) / 2:
                self._resolve(self._open_trend, key)
            return None
        if key in self._open_trend:
            return None
        unit = display_unit(r.parameter.ucum_unit)
        days = rule.window.total_seconds() / 86400
        sign = "+" if change >= 0 else ""
        alert = Alert(
            id=_alert_id(plan.patient_id, f"trend|{r.parameter.key}|{r.time_utc.isoformat()}"),
            patient_id=plan.patient_id,
            parameter=r.parameter,
            kind=AlertKind.TREND,
            severity=rule.severity,
            raised_at_utc=self._clock(),
            rule=f"{r.parameter.key} change {rule.delta:+g} {unit} within {days:g} d",
            explanation=(
                f"{r.parameter.label} {_fmt(r.value, t.decimal_precision)} {unit} at "
                f"{r.time_utc.isoformat(timespec='minutes')} is {sign}"
                f"{_fmt(change, t.decimal_precision or 1)} {unit} from "
                f"{_fmt(base.value, t.decimal_precision)} {unit} at "
                f"{base.time_utc.isoformat(timespec='minutes')} "
                f"(rule: {rule.delta:+g} {unit} within {days:g} days)"
            ),
            value=r.value,
            value_time_utc=r.time_utc,
            extra=(
                ("change", repr(change)),
                ("base_value", repr(base.value)),
                ("base_time", base.time_utc.isoformat()),
                ("delta", repr(rule.delta)),
                ("window_d", repr(days)),
            ),
        )
        self._open_trend[key] = alert
        return self._store(alert)

    # -- stale --------------------------------------------------------------------------------
    def check_stale(
        self, plan: CarePlan, last_reading_utc: Mapping[Parameter, datetime | None]
    ) -> list[Alert]:
        """Raise stale-data alerts for parameters without a reading for too long.

        A parameter is stale when now - last reading > expected interval * grace factor (warning)
        or * critical factor (critical). A missing entry means never measured (since plan start:
        treated as stale only if the mapping holds None for it).
        """
        now = self._clock()
        raised = []
        for parameter in plan.parameters:
            if parameter not in last_reading_utc:
                continue
            last = last_reading_utc[parameter]
            key = (plan.patient_id, parameter)
            age = now - last if last is not None else None
            grace = plan.expected_interval * self._policy.stale_grace_factor
            if age is not None and age <= grace:
                self._resolve(self._open_stale, key)
                continue
            critical = (
                age is None or age > plan.expected_interval * self._policy.stale_critical_factor
            )
            severity = Severity.CRITICAL if critical else Severity.WARNING
            current = self._open_stale.get(key)
            if current is not None and current.severity >= severity:
                continue
            hours = plan.expected_interval.total_seconds() / 3600
            since = "never" if last is None else last.isoformat(timespec="minutes")
            alert = Alert(
                id=_alert_id(plan.patient_id, f"stale|{parameter.key}|{since}|{severity.name}"),
                patient_id=plan.patient_id,
                parameter=parameter,
                kind=AlertKind.STALE,
                severity=severity,
                raised_at_utc=now,
                rule=f"{parameter.key} expected every {hours:g} h",
                explanation=(
                    f"No {parameter.label} reading since {since}"
                    + ("" if age is None else f" ({age.total_seconds() / 3600:.0f} h ago)")
                    + f"; the care plan expects one every {hours:g} h"
                ),
                value_time_utc=last,
                extra=(
                    ("expected_h", repr(hours)),
                    ("age_h", "" if age is None else repr(age.total_seconds() / 3600)),
                ),
            )
            if current is not None:
                self._resolve(self._open_stale, key)
            self._open_stale[key] = alert
            raised.append(self._store(alert))
        return raised


def evaluate_series(
    plan: CarePlan, readings: Sequence[Reading], *, clock: Clock = utc_now
) -> list[Alert]:
    """Convenience: every alert a fresh evaluator raises on ``readings`` (sorted by time)."""
    ev = AlertEvaluator(clock=clock)
    out = ev.add_readings(plan, sorted(readings, key=lambda r: r.time_utc))
    last: dict[Parameter, datetime | None] = {p: None for p in plan.parameters}
    for r in readings:
        prev = last.get(r.parameter)
        if prev is None or r.time_utc > prev:
            last[r.parameter] = r.time_utc
    out.extend(ev.check_stale(plan, last))
    return [ev_alert for ev_alert in ev.alerts() if ev_alert.id in {a.id for a in out}]


# -- FHIR Flag --------------------------------------------------------------------------------
_FLAG_STATUS = {
    AlertStatus.ACTIVE: "active",
    AlertStatus.ACKNOWLEDGED: "inactive",
    AlertStatus.RESOLVED: "inactive",
}


def alert_to_flag(alert: Alert, *, author_reference: str | None = None) -> dict[str, Any]:
    """FHIR R4 Flag JSON for ``alert`` with a client id (PUT, idempotent) and an identifier.

    The explanation goes in ``code.text``; rule and severity in extensions.
    """
    flag: dict[str, Any] = {
        "resourceType": "Flag",
        "id": alert.resource_id or f"alert-{alert.id}",
        "identifier": [{"system": FLAG_IDENTIFIER_SYSTEM, "value": f"urn:uuid:{alert.id}"}],
        "status": _FLAG_STATUS[alert.status],
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/flag-category",
                        "code": "clinical",
                        "display": "Clinical",
                    }
                ]
            }
        ],
        "code": {
            "coding": [
                {
                    "system": FLAG_ALERT_SYSTEM,
                    "code": f"{alert.kind.value}-{alert.parameter.key}",
                    "display": f"{alert.kind.value} {alert.parameter.label}",
                },
                {"system": "http://loinc.org", "code": alert.parameter.loinc},
            ],
            "text": alert.explanation,
        },
        "subject": {"reference": f"Patient/{alert.patient_id}"},
        "period": {"start": alert.raised_at_utc.isoformat()},
        "extension": [
            {"url": FLAG_RULE_EXTENSION, "valueString": alert.rule},
            {"url": FLAG_SEVERITY_EXTENSION, "valueCode": alert.severity.name.lower()},
        ],
    }
    if author_reference:
        flag["author"] = {"reference": author_reference}
    return flag


@dataclass(frozen=True, slots=True)
class AcknowledgementRequest:
    """What the sync layer needs to PUT an acknowledgement with ``If-Match: W/"<version_id>"``."""

    resource_type: str
    resource_id: str
    version_id: str | None
    body: dict[str, Any]


def acknowledgement(
    alert: Alert, *, practitioner_reference: str, at_utc: datetime
) -> AcknowledgementRequest:
    """The Flag update acknowledging ``alert`` (status inactive, period end = ``at_utc``).

    Raises ValueError when the alert was never synced (no ``resource_id``).
    """
    if not alert.resource_id:
        raise ValueError("alert has no server resource id yet")
    body = alert_to_flag(replace(alert, status=AlertStatus.ACKNOWLEDGED))
    body["period"]["end"] = at_utc.isoformat()
    body["author"] = {"reference": practitioner_reference}
    return AcknowledgementRequest("Flag", alert.resource_id, alert.version_id, body)


def flag_to_alert(flag: Mapping[str, Any]) -> Alert | None:
    """Best-effort reading of a Flag (ours or the seed's) into an Alert; None if unusable."""
    if flag.get("resourceType") != "Flag":
        return None
    subject = flag.get("subject") or {}
    patient_id = str(subject.get("reference", "")).rsplit("/", 1)[-1]
    if not patient_id:
        return None
    code = flag.get("code") or {}
    parameter = Parameter.SYSTOLIC_BP
    kind = AlertKind.THRESHOLD
    for c in code.get("coding") or []:
        if c.get("system") == "http://loinc.org":
            parameter = Parameter.from_loinc(str(c.get("code"))) or parameter
        if c.get("system") == FLAG_ALERT_SYSTEM:
            kind_s = str(c.get("code", "")).split("-", 1)[0]
            kind = next((k for k in AlertKind if k.value == kind_s), kind)
    severity = Severity.CRITICAL
    rule = ""
    for ext in flag.get("extension") or []:
        if ext.get("url") == FLAG_SEVERITY_EXTENSION:
            severity = {"warning": Severity.WARNING, "info": Severity.INFO}.get(
                str(ext.get("valueCode")), Severity.CRITICAL
            )
        if ext.get("url") == FLAG_RULE_EXTENSION:
            rule = str(ext.get("valueString", ""))
    start = (flag.get("period") or {}).get("start")
    try:
        raised = datetime.fromisoformat(str(start)).astimezone(UTC)
    except ValueError:
        raised = datetime.fromtimestamp(0, UTC)
    status = AlertStatus.ACTIVE if flag.get("status") == "active" else AlertStatus.ACKNOWLEDGED
    meta = flag.get("meta") or {}
    return Alert(
        id=str(flag.get("id", "")),
        patient_id=patient_id,
        parameter=parameter,
        kind=kind,
        severity=severity,
        raised_at_utc=raised,
        rule=rule or "backend flag",
        explanation=str(code.get("text", "")),
        status=status,
        resource_id=str(flag.get("id")) if flag.get("id") else None,
        version_id=str(meta["versionId"]) if "versionId" in meta else None,
    )
