"""FHIR CarePlan -> ActivityDefinition -> ObservationDefinition JSON into domain care plans.

Encoding (regional_sim/README.md, "Telemonitoring thresholds"): each ``qualifiedInterval`` has a
``category``: ``absolute`` (plausibility), ``reference`` (treatment target) or ``critical`` (an
alarm band whose severity is in the ``alarm-severity`` extension; a value inside the band
alarms). The parser is tolerant: unknown parameters and malformed intervals are skipped, a
missing severity defaults to critical, and a band without either side is ignored.

Thread affinity: pure functions, any thread.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from decimal import Decimal
from typing import Any

from app.domain.telemonitoring import (
    AlarmBand,
    CarePlan,
    CarePlanFormatError,
    Parameter,
    Severity,
    Thresholds,
    TrendRule,
    ValueRange,
)

Json = Mapping[str, Any]

SEVERITY_EXTENSION_SUFFIX = "/StructureDefinition/alarm-severity"
LOINC_SYSTEM = "http://loinc.org"

# Relative rules are not expressible as ranges; the programme implies them (ESC heart-failure
# guidance: a gain of 2 kg in 3 days prompts contact).
PROGRAMME_TRENDS: dict[tuple[str, Parameter], TrendRule] = {
    ("heart-failure", Parameter.WEIGHT): TrendRule(delta=2.0, window=timedelta(days=3)),
}

_PERIOD_UNITS = {
    "s": timedelta(seconds=1),
    "min": timedelta(minutes=1),
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
    "wk": timedelta(weeks=1),
    "mo": timedelta(days=30),
    "a": timedelta(days=365),
}

_SEVERITIES = {
    "critical": Severity.CRITICAL,
    "high": Severity.CRITICAL,
    "warning": Severity.WARNING,
    "moderate": Severity.WARNING,
    "low": Severity.INFO,
    "info": Severity.INFO,
}


def _number(q: Any) -> float | None:
    if not isinstance(q, Mapping):
        return None
    v = q.get("value")
    if isinstance(v, bool) or not isinstance(v, int | float | str | Decimal):
        return None
    try:
        return float(v)
    except ValueError:
        return None


def _codes(concept: Any) -> list[tuple[str, str]]:
    if not isinstance(concept, Mapping):
        return []
    out = []
    for c in concept.get("coding") or []:
        if isinstance(c, Mapping) and isinstance(c.get("code"), str):
            out.append((str(c.get("system", "")), c["code"]))
    return out


def parameter_of(code: Any) -> Parameter | None:
    """The parameter named by a CodeableConcept's LOINC coding (system may be absent)."""
    for system, value in _codes(code):
        if system in (LOINC_SYSTEM, ""):
            p = Parameter.from_loinc(value)
            if p is not None:
                return p
    return None


def _severity(interval: Json) -> Severity:
    for ext in interval.get("extension") or []:
        if isinstance(ext, Mapping) and str(ext.get("url", "")).endswith(SEVERITY_EXTENSION_SUFFIX):
            return _SEVERITIES.get(str(ext.get("valueCode", "")).lower(), Severity.CRITICAL)
    return Severity.CRITICAL


def parse_observation_definition(od: Json, *, programme: str = "") -> Thresholds | None:
    """Thresholds of one ObservationDefinition, or None for a parameter we do not monitor."""
    if od.get("resourceType", "ObservationDefinition") != "ObservationDefinition":
        return None
    parameter = parameter_of(od.get("code"))
    if parameter is None:
        return None
    plausible = target = None
    bands: list[AlarmBand] = []
    for interval in od.get("qualifiedInterval") or []:
        if not isinstance(interval, Mapping):
            continue
        rng = interval.get("range")
        if not isinstance(rng, Mapping):
            continue
        low, high = _number(rng.get("low")), _number(rng.get("high"))
        if low is None and high is None:
            continue
        category = interval.get("category")
        if category == "absolute":
            plausible = ValueRange(low, high)
        elif category == "reference":
            target = ValueRange(low, high)
        elif category == "critical":
            bands.append(AlarmBand(_severity(interval), low, high))
    details = od.get("quantitativeDetails")
    precision = None
    if isinstance(details, Mapping) and isinstance(details.get("decimalPrecision"), int):
        precision = int(details["decimalPrecision"])
    bands.sort(key=lambda b: (b.direction, int(b.severity)))
    return Thresholds(
        parameter=parameter,
        plausible=plausible,
        target=target,
        bands=tuple(bands),
        trend=PROGRAMME_TRENDS.get((programme, parameter)),
        decimal_precision=precision,
    )


def expected_interval(activity_definition: Json) -> timedelta:
    """``timingTiming.repeat`` (frequency per period) as an interval; one day by default."""
    timing = activity_definition.get("timingTiming")
    repeat = timing.get("repeat") if isinstance(timing, Mapping) else None
    if not isinstance(repeat, Mapping):
        return timedelta(days=1)
    unit = _PERIOD_UNITS.get(str(repeat.get("periodUnit", "d")))
    try:
        period = float(repeat.get("period", 1))
        frequency = float(repeat.get("frequency", 1))
    except (TypeError, ValueError):
        return timedelta(days=1)
    if unit is None or period <= 0 or frequency <= 0:
        return timedelta(days=1)
    return unit * (period / frequency)


def _programme(resource: Json) -> str:
    for field in ("category", "code"):
        value = resource.get(field)
        concepts = value if isinstance(value, list) else [value]
        for concept in concepts:
            for system, code in _codes(concept):
                if system.endswith("telemonitoring-programme"):
                    return code
    return ""


def _ref_id(ref: Any) -> str | None:
    if isinstance(ref, Mapping):
        ref = ref.get("reference")
    if not isinstance(ref, str) or not ref:
        return None
    return ref.rsplit("/", 1)[-1].split("|")[0]


def parse_care_plan(
    care_plan: Json,
    *,
    activity_definitions: Iterable[Json],
    observation_definitions: Iterable[Json],
) -> CarePlan:
    """Resolve ``care_plan``'s canonical ActivityDefinitions and their ObservationDefinitions.

    ActivityDefinitions are matched by ``url`` (``|version`` ignored) or by id; contained
    resources are used too. Raises :class:`CarePlanFormatError` when the resource is not a
    CarePlan, has no subject, or yields no monitored parameter.
    """
    if care_plan.get("resourceType") != "CarePlan":
        raise CarePlanFormatError("not a CarePlan")
    patient_id = _ref_id(care_plan.get("subject"))
    if not patient_id:
        raise CarePlanFormatError("CarePlan without subject")
    contained = [c for c in care_plan.get("contained") or [] if isinstance(c, Mapping)]
    ads: dict[str, Json] = {}
    ods: dict[str, Json] = {}
    for res in [*activity_definitions, *contained]:
        if res.get("resourceType") == "ActivityDefinition":
            if isinstance(res.get("url"), str):
                ads[res["url"]] = res
            if isinstance(res.get("id"), str):
                ads[res["id"]] = res
    for res in [*observation_definitions, *contained]:
        if res.get("resourceType") == "ObservationDefinition" and isinstance(res.get("id"), str):
            ods[res["id"]] = res
    canonicals = [str(c).split("|")[0] for c in care_plan.get("instantiatesCanonical") or []]
    for activity in care_plan.get("activity") or []:
        detail = activity.get("detail") if isinstance(activity, Mapping) else None
        if isinstance(detail, Mapping):
            canonicals.extend(
                str(c).split("|")[0] for c in detail.get("instantiatesCanonical") or []
            )
    programme = _programme(care_plan)
    thresholds: dict[Parameter, Thresholds] = {}
    interval: timedelta | None = None
    for canonical in canonicals:
        ad = ads.get(canonical) or ads.get(canonical.rsplit("/", 1)[-1].lstrip("#"))
        if ad is None:
            continue
        programme = programme or _programme(ad)
        ad_interval = expected_interval(ad)
        interval = ad_interval if interval is None else min(interval, ad_interval)
        for req in ad.get("observationResultRequirement") or []:
            od_id = _ref_id(req)
            od = ods.get(od_id.lstrip("#")) if od_id else None
            if od is None:
                continue
            t = parse_observation_definition(od, programme=programme)
            if t is not None and t.parameter not in thresholds:
                thresholds[t.parameter] = t
    if not thresholds:
        raise CarePlanFormatError("CarePlan without monitored parameters")
    meta = care_plan.get("meta")
    version = meta.get("versionId") if isinstance(meta, Mapping) else None
    return CarePlan(
        id=str(care_plan.get("id", "")),
        patient_id=patient_id,
        programme=programme,
        title=str(care_plan.get("title", programme)),
        thresholds=tuple(thresholds.values()),
        expected_interval=interval or timedelta(days=1),
        version_id=str(version) if version is not None else None,
    )
