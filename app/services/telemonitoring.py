"""Data access for the telemonitoring area: worklist rows, series, manual entry.

:class:`TelemonitoringSource` is what the UI needs; :class:`InMemoryTelemonitoringSource` serves
tests and the demo; :class:`FhirTelemonitoringSource` reads the regional backend through
:class:`app.backend.client.FhirClient`. Series are numpy-free ``array('d')`` columns so large
histories (millions of points) cross threads without per-point objects.

Thread affinity: every coroutine runs on the core loop. Series objects are immutable by
convention once returned (the UI may wrap them with ``numpy.frombuffer``).
"""

from __future__ import annotations

import asyncio
import base64
import bisect
import math
import random
import uuid
from array import array
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from app.backend.errors import ServerError, TransportError
from app.domain.outbox import OutboxWriter
from app.domain.telemonitoring import (
    Alert,
    AlertStatus,
    CarePlan,
    CarePlanFormatError,
    MonitoredPatient,
    Parameter,
    Provenance,
    Reading,
)
from app.events import Event
from app.services.alerts import AlertEvaluator, Clock, utc_now
from app.services.clinical_data import PulledResources, SnapshotStore, query_key


class TelemonitoringSourceError(Exception):
    """Base of the data-source errors (unknown patient, backend failure...)."""


class NoStoreOpen(TelemonitoringSourceError):
    """A clinical write was attempted while no clinician's encrypted store is open."""


class UnknownPatient(TelemonitoringSourceError):
    pass


@dataclass(frozen=True, slots=True)
class ReadingDidArrive(Event):
    """A reading was recorded (device or manual). Carries ids only, no values (no health data)."""

    patient_id: str
    parameter_key: str


@dataclass(frozen=True, slots=True)
class AlertDidChange(Event):
    patient_id: str
    alert_id: str


@dataclass(frozen=True, slots=True)
class TeleassistanceDidRequest(Event):
    """The user asked to start a teleassistance call from an alert (calls area picks it up)."""

    patient_id: str
    alert_id: str | None


@dataclass(slots=True)
class Series:
    """One parameter's readings, sorted by time.

    ``times_s``: UTC epoch seconds; ``values``: in ``parameter.ucum_unit``; ``origin``: index per
    point into ``origins`` (provenance, device id).
    """

    parameter: Parameter
    times_s: array[float] = field(default_factory=lambda: array("d"))
    values: array[float] = field(default_factory=lambda: array("d"))
    origin: array[int] = field(default_factory=lambda: array("B"))
    origins: list[tuple[Provenance, str | None]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.times_s)

    def origin_of(self, index: int) -> tuple[Provenance, str | None]:
        return self.origins[self.origin[index]] if self.origins else (Provenance.MANUAL, None)

    def _origin_index(self, provenance: Provenance, device_id: str | None) -> int:
        key = (provenance, device_id)
        try:
            return self.origins.index(key)
        except ValueError:
            if len(self.origins) >= 255:
                raise TelemonitoringSourceError("too many devices in one series") from None
            self.origins.append(key)
            return len(self.origins) - 1

    def add(self, reading: Reading) -> None:
        """Insert keeping time order (appends are O(1) for in-order data)."""
        t = reading.time_utc.timestamp()
        i = len(self.times_s)
        if i and self.times_s[-1] > t:
            i = bisect.bisect_right(self.times_s, t)
        o = self._origin_index(reading.provenance, reading.device_id)
        self.times_s.insert(i, t)
        self.values.insert(i, reading.value)
        self.origin.insert(i, o)

    def slice(self, start_s: float | None, end_s: float | None) -> Series:
        """A copy restricted to ``start_s <= t <= end_s`` (None: open)."""
        lo = 0 if start_s is None else bisect.bisect_left(self.times_s, start_s)
        hi = len(self.times_s) if end_s is None else bisect.bisect_right(self.times_s, end_s)
        return Series(
            self.parameter,
            self.times_s[lo:hi],
            self.values[lo:hi],
            self.origin[lo:hi],
            list(self.origins),
        )

    def readings(self) -> Iterable[Reading]:
        for t, v, o in zip(self.times_s, self.values, self.origin, strict=True):
            prov, dev = self.origins[o]
            yield Reading(self.parameter, datetime.fromtimestamp(t, UTC), v, prov, dev)


class TelemonitoringSource(Protocol):
    """What the telemonitoring UI reads and writes. All coroutines run on the core loop."""

    #: When the last worklist came from the copy saved on this computer (backend unreachable):
    #: the time that copy was pulled; None when it is live.
    offline_copy_utc: datetime | None

    async def list_patients(self) -> list[MonitoredPatient]:
        """Monitored patients with their plans and alerts (any order)."""
        ...

    async def get_series(
        self,
        patient_id: str,
        parameter: Parameter,
        *,
        start_utc: datetime | None = None,
        end_utc: datetime | None = None,
    ) -> Series:
        """Readings of one parameter in ``[start_utc, end_utc]``. Raises UnknownPatient."""
        ...

    async def add_manual_reading(self, patient_id: str, reading: Reading) -> list[Alert]:
        """Record a level-0 reading; returns alerts it raised. Raises UnknownPatient."""
        ...

    async def acknowledge(self, alert_id: str, *, practitioner_reference: str) -> Alert:
        """Acknowledge an alert. Raises KeyError for an unknown alert."""
        ...


class InMemoryTelemonitoringSource:
    """A source held in memory: tests, demo and offline preview. Evaluates alerts on insert."""

    offline_copy_utc: datetime | None = None

    def __init__(self, *, clock: Clock = utc_now) -> None:
        self._clock = clock
        self._names: dict[str, str] = {}
        self._plans: dict[str, list[CarePlan]] = {}
        self._series: dict[tuple[str, Parameter], Series] = {}
        self._extra_alerts: dict[str, Alert] = {}
        self.evaluator = AlertEvaluator(clock=clock)
        self.acknowledged: list[tuple[str, str]] = []

    def add_patient(self, patient_id: str, display_name: str, plans: Sequence[CarePlan]) -> None:
        self._names[patient_id] = display_name
        self._plans[patient_id] = list(plans)

    def series(self, patient_id: str, parameter: Parameter) -> Series:
        """The live series (created empty); callers on the core loop only."""
        return self._series.setdefault((patient_id, parameter), Series(parameter))

    def set_series(self, patient_id: str, series: Series, *, evaluate: bool = True) -> None:
        """Replace a whole series; ``evaluate`` runs the alert rules over the last 30 days."""
        self._series[(patient_id, series.parameter)] = series
        if evaluate and len(series):
            recent = series.slice(series.times_s[-1] - 30 * 86400, None)
            for plan in self._plans.get(patient_id, []):
                self.evaluator.add_readings(plan, recent.readings())

    def add_alert(self, alert: Alert) -> None:
        self._extra_alerts[alert.id] = alert

    def check_stale(self) -> list[Alert]:
        """Stale-data rules for every parameter whose series is known (loaded) here."""
        out: list[Alert] = []
        for pid, plans in self._plans.items():
            for plan in plans:
                last: dict[Parameter, datetime | None] = {}
                for p in plan.parameters:
                    s = self._series.get((pid, p))
                    if s is None:
                        continue  # not loaded: unknown, not "never measured"
                    last[p] = datetime.fromtimestamp(s.times_s[-1], UTC) if len(s) else None
                out.extend(self.evaluator.check_stale(plan, last))
        return out

    def _alerts_of(self, pid: str) -> tuple[Alert, ...]:
        mine = [a for a in self._extra_alerts.values() if a.patient_id == pid]
        return tuple(mine + self.evaluator.alerts(pid))

    async def list_patients(self) -> list[MonitoredPatient]:
        await asyncio.sleep(0)
        self.check_stale()
        return [
            MonitoredPatient(pid, self._names[pid], tuple(self._plans[pid]), self._alerts_of(pid))
            for pid in self._names
        ]

    async def get_series(
        self,
        patient_id: str,
        parameter: Parameter,
        *,
        start_utc: datetime | None = None,
        end_utc: datetime | None = None,
    ) -> Series:
        if patient_id not in self._names:
            raise UnknownPatient(patient_id)
        s = self._series.get((patient_id, parameter))
        if s is None:
            return Series(parameter)
        return s.slice(
            None if start_utc is None else start_utc.timestamp(),
            None if end_utc is None else end_utc.timestamp(),
        )

    async def add_manual_reading(self, patient_id: str, reading: Reading) -> list[Alert]:
        if patient_id not in self._names:
            raise UnknownPatient(patient_id)
        if reading.observation_id is None:
            reading = replace(reading, observation_id=str(uuid.uuid4()))
        self.series(patient_id, reading.parameter).add(reading)
        raised: list[Alert] = []
        for plan in self._plans[patient_id]:
            raised.extend(self.evaluator.add_readings(plan, [reading]))
        return raised

    async def acknowledge(self, alert_id: str, *, practitioner_reference: str) -> Alert:
        await asyncio.sleep(0)
        self.acknowledged.append((alert_id, practitioner_reference))
        if alert_id in self._extra_alerts:
            a = replace(self._extra_alerts[alert_id], status=AlertStatus.ACKNOWLEDGED)
            self._extra_alerts[alert_id] = a
            return a
        return self.evaluator.acknowledge(alert_id)


#: Errors after which the source answers from the copy saved on this computer.
_UNREACHABLE = (TransportError, ServerError, TimeoutError)
#: Longest series saved for offline viewing (points); longer ones are viewed online only.
MAX_SAVED_SERIES_POINTS = 200_000


@dataclass(frozen=True, slots=True)
class OfflineCopy:
    """What the source falls back on when the backend cannot be reached (the active clinician's
    vault): the sync worker's pulled copy (plans, thresholds, patients, alerts) and the trend
    series saved when they were last viewed online."""

    pulled: PulledResources
    snapshots: SnapshotStore


@dataclass(frozen=True, slots=True)
class _PlanData:
    plans: Sequence[Mapping[str, Any]]
    patients: Sequence[Mapping[str, Any]]
    activity_definitions: Sequence[Mapping[str, Any]]
    observation_definitions: Sequence[Mapping[str, Any]]
    flags: Sequence[Mapping[str, Any]]


class FhirTelemonitoringSource:
    """Reads plans, observations and Flags from the regional backend (FHIR R4).

    ``client`` is an :class:`app.backend.client.FhirClient` (typed loosely to keep this module
    importable without a backend). Manual readings are kept locally and returned to the caller;
    pushing them is the sync layer's job (outbox). When the backend cannot be reached, the
    worklist comes from ``offline_copy`` (the pulled copy in the clinician's vault) and a trend
    from the series saved when it was last viewed online (:attr:`offline_copy_utc` says so).
    """

    def __init__(
        self,
        client: Any = None,
        *,
        client_factory: Callable[[], Awaitable[Any]] | None = None,
        outbox: OutboxWriter | Callable[[], OutboxWriter | None] | None = None,
        author_reference: Callable[[], str | None] = lambda: None,
        offline_copy: Callable[[], OfflineCopy | None] = lambda: None,
        clock: Clock = utc_now,
    ) -> None:
        if (client is None) == (client_factory is None):
            raise ValueError("give exactly one of client or client_factory")
        self._client_or_none = client
        self._client_factory = client_factory
        self._outbox_source = outbox
        self._author_reference = author_reference
        self._offline_copy = offline_copy
        self._clock = clock
        self.offline_copy_utc: datetime | None = None
        self.forget()

    def forget(self) -> None:
        """Drop every patient, series and alert held in memory (another clinician, sign-out)."""
        self._local = InMemoryTelemonitoringSource(clock=self._clock)
        self._loaded: set[tuple[str, Parameter]] = set()
        self.offline_copy_utc = None

    @property
    def queues_writes(self) -> bool:
        """True when readings and acknowledgements go to an outbox (not straight to the server)."""
        return self._outbox_source is not None

    def _outbox(self) -> OutboxWriter:
        """The outbox to write to now; raises :class:`NoStoreOpen` if nobody's store is open."""
        source = self._outbox_source
        outbox = source if isinstance(source, OutboxWriter) or source is None else source()
        if outbox is None:
            raise NoStoreOpen("no clinician's encrypted store is open (log in or unlock first)")
        return outbox

    @property
    def _client(self) -> Any:
        if self._client_or_none is None:
            raise RuntimeError("backend client not resolved yet")
        return self._client_or_none

    async def _connect(self) -> None:
        if self._client_or_none is None:
            assert self._client_factory is not None
            self._client_or_none = await self._client_factory()

    async def list_patients(self) -> list[MonitoredPatient]:
        try:
            data = await self._plan_data_online()
            self.offline_copy_utc = None
        except _UNREACHABLE:
            copy = self._offline_copy()
            pulled_at = await copy.pulled.pulled_at_utc() if copy is not None else None
            if copy is None or pulled_at is None:
                raise  # nothing saved here yet: the caller says the worklist is unavailable
            data = await _plan_data_pulled(copy.pulled)
            self.offline_copy_utc = pulled_at
        return await self._monitored(data)

    async def _plan_data_online(self) -> _PlanData:
        await self._connect()
        plans = await self._client.search(
            "CarePlan", {"status": "active"}, include=["CarePlan:subject"]
        )
        canonicals = _canonicals(plans.matches)
        ads = (
            (await self._client.search("ActivityDefinition", {"url": ",".join(canonicals)})).matches
            if canonicals
            else []
        )
        od_ids = _observation_definition_ids(ads)
        ods = (
            (await self._client.search("ObservationDefinition", {"_id": ",".join(od_ids)})).matches
            if od_ids
            else []
        )
        flags = (await self._client.search("Flag", {"status": "active"})).matches
        patients = [r for r in plans.included if r.get("resourceType") == "Patient"]
        return _PlanData(list(plans.matches), patients, list(ads), list(ods), list(flags))

    async def _monitored(self, data: _PlanData) -> list[MonitoredPatient]:
        from app.services.alerts import flag_to_alert
        from app.services.careplans import parse_care_plan

        names = {str(p.get("id")): _patient_name(p) for p in data.patients}
        by_patient: dict[str, list[CarePlan]] = {}
        for cp in data.plans:
            try:
                plan = parse_care_plan(
                    cp,
                    activity_definitions=data.activity_definitions,
                    observation_definitions=data.observation_definitions,
                )
            except CarePlanFormatError:  # a malformed plan must not hide the others
                continue
            by_patient.setdefault(plan.patient_id, []).append(plan)
        for pid, pl in by_patient.items():
            if pid not in self._local._names:
                self._local.add_patient(pid, names.get(pid, pid), pl)
        for f in data.flags:
            a = flag_to_alert(f)
            if a is not None and a.patient_id in by_patient:
                self._local.add_alert(a)
        return await self._local.list_patients()

    async def get_series(
        self,
        patient_id: str,
        parameter: Parameter,
        *,
        start_utc: datetime | None = None,
        end_utc: datetime | None = None,
    ) -> Series:
        key = (patient_id, parameter)
        if key not in self._loaded:
            try:
                s = await self._series_online(patient_id, parameter)
            except _UNREACHABLE:
                saved = await self._saved_series(patient_id, parameter)
                if saved is None:
                    raise
                s = saved
            else:
                await self._save_series(patient_id, s)
            # Readings taken here meanwhile (point of care, manual) stay in the series.
            for reading in self._local.series(patient_id, parameter).readings():
                if not _has_point(s, reading):
                    s.add(reading)
            self._local.set_series(patient_id, s)
            self._loaded.add(key)
        return await self._local.get_series(
            patient_id, parameter, start_utc=start_utc, end_utc=end_utc
        )

    async def _series_online(self, patient_id: str, parameter: Parameter) -> Series:
        await self._connect()
        subject = f"Patient/{patient_id}"
        code = f"http://loinc.org|{parameter.loinc}"
        queries: list[dict[str, str]] = [{"subject": subject, "code": code}]
        if parameter in (Parameter.SYSTOLIC_BP, Parameter.DIASTOLIC_BP):
            # Blood pressure arrives as a panel (85354-9) with components.
            queries.append({"subject": subject, "component-code": code})
        found: dict[str, Mapping[str, Any]] = {}
        for query in queries:
            result = await self._client.search(
                "Observation", {**query, "_count": "1000"}, max_pages=1000
            )
            for obs in result.matches:
                found[str(obs.get("id"))] = obs
        s = Series(parameter)
        for obs in sorted(found.values(), key=_effective):
            r = observation_to_reading(obs, parameter)
            if r is not None:
                s.add(r)
        return s

    async def _save_series(
        self, patient_id: str, series: Series, copy: OfflineCopy | None = None
    ) -> None:
        copy = copy or self._offline_copy()
        if copy is None or len(series) > MAX_SAVED_SERIES_POINTS:
            return
        saved = {**series_to_json(series), "saved_at_utc": self._clock().isoformat()}
        await copy.snapshots.put(_series_key(patient_id, series.parameter), saved)

    async def _saved_series(self, patient_id: str, parameter: Parameter) -> Series | None:
        copy = self._offline_copy()
        if copy is None:
            return None
        saved = await copy.snapshots.get(_series_key(patient_id, parameter))
        return series_from_json(saved, parameter) if saved is not None else None

    async def prefetch(
        self, patient_ids: Sequence[str], *, max_age: timedelta = timedelta(hours=6)
    ) -> int:
        """Save for offline viewing the trends (every parameter of their care plans) of these
        patients that are not saved yet or were saved more than ``max_age`` ago, so that a
        clinician who loses the link can still open them. Nothing shown changes. Returns the
        number of series saved; raises the backend's error when it cannot be reached (what was
        saved so far stays)."""
        copy = self._offline_copy()  # this clinician's vault, even if the session changes
        if copy is None:
            return 0
        if not self._local._plans:
            await self.list_patients()
        now = self._clock()
        saved = 0
        for patient_id in patient_ids:
            parameters = {
                p for plan in self._local._plans.get(patient_id, []) for p in plan.parameters
            }
            for parameter in sorted(parameters, key=lambda p: p.name):
                previous = await copy.snapshots.get(_series_key(patient_id, parameter))
                at = _saved_at(previous)
                if at is not None and now - at < max_age:
                    continue
                series = await self._series_online(patient_id, parameter)
                await self._save_series(patient_id, series, copy)
                saved += 1
        return saved

    async def add_manual_reading(self, patient_id: str, reading: Reading) -> list[Alert]:
        """Show the reading now; with an outbox, also queue it (and its alerts) for the backend.

        The unit is durable before this returns, so a crash after it cannot lose the reading.
        """
        from app.services.telemonitoring_units import reading_unit

        if reading.observation_id is None:
            reading = replace(reading, observation_id=str(uuid.uuid4()))
        outbox = self._outbox() if self.queues_writes else None  # refuse before showing it
        raised = await self._local.add_manual_reading(patient_id, reading)
        if outbox is not None:
            unit = reading_unit(
                patient_id,
                reading,
                raised,
                author_reference=self._author_reference(),
                recorded_utc=self._clock(),
            )
            await outbox.enqueue(unit)
        return raised

    async def add_observations(
        self, patient_reference: str, observations: Sequence[Mapping[str, Any]]
    ) -> list[Alert]:
        """Show Observations queued elsewhere (point-of-care devices) at once and evaluate them.

        The Observations are already in the outbox; only the Flags of alerts they raise are
        queued here. Patients without a loaded care plan are ignored (not monitored here).
        """
        from app.services.telemonitoring_units import alerts_unit

        patient_id = patient_reference.rsplit("/", 1)[-1]
        if patient_id not in self._local._names:
            return []
        raised: list[Alert] = []
        for obs in observations:
            for parameter in Parameter:
                reading = observation_to_reading(obs, parameter)
                if reading is not None:
                    raised.extend(await self._local.add_manual_reading(patient_id, reading))
        if raised and self.queues_writes:
            await self._outbox().enqueue(
                alerts_unit(
                    patient_id,
                    raised,
                    author_reference=self._author_reference(),
                    recorded_utc=self._clock(),
                )
            )
        return raised

    async def acknowledge(self, alert_id: str, *, practitioner_reference: str) -> Alert:
        from app.services.alerts import acknowledgement
        from app.services.telemonitoring_units import acknowledgement_unit

        alert = next(
            a for p in await self._local.list_patients() for a in p.alerts if a.id == alert_id
        )
        if self.queues_writes:
            # Works offline: the If-Match update waits in the outbox behind the Flag's creation.
            await self._outbox().enqueue(
                acknowledgement_unit(
                    alert, practitioner_reference=practitioner_reference, at_utc=self._clock()
                )
            )
        elif alert.resource_id:
            req = acknowledgement(
                alert, practitioner_reference=practitioner_reference, at_utc=utc_now()
            )
            await self._client.update(
                req.body, if_match=f'W/"{req.version_id}"' if req.version_id else None
            )
        return await self._local.acknowledge(
            alert_id, practitioner_reference=practitioner_reference
        )


async def _plan_data_pulled(pulled: PulledResources) -> _PlanData:
    """The worklist's inputs from the copy the sync worker pulled into the vault."""
    plans = [p for p in await pulled.resources("CarePlan") if p.get("status") == "active"]
    canonicals = set(_canonicals(plans))
    ads = [a for a in await pulled.resources("ActivityDefinition") if a.get("url") in canonicals]
    od_ids = set(_observation_definition_ids(ads))
    ods = [o for o in await pulled.resources("ObservationDefinition") if o.get("id") in od_ids]
    flags = [f for f in await pulled.resources("Flag") if f.get("status") == "active"]
    return _PlanData(plans, await pulled.resources("Patient"), ads, ods, flags)


def _canonicals(plans: Iterable[Mapping[str, Any]]) -> list[str]:
    return sorted(
        {str(c).split("|")[0] for cp in plans for c in cp.get("instantiatesCanonical") or []}
    )


def _observation_definition_ids(ads: Iterable[Mapping[str, Any]]) -> list[str]:
    return sorted(
        {
            str(r.get("reference", "")).rsplit("/", 1)[-1]
            for ad in ads
            for r in ad.get("observationResultRequirement") or []
        }
    )


def _series_key(patient_id: str, parameter: Parameter) -> str:
    return query_key("telemonitoring-series", {"patient": patient_id}, (parameter.name,))


def _saved_at(saved: Mapping[str, Any] | None) -> datetime | None:
    try:
        return datetime.fromisoformat(str(saved["saved_at_utc"])) if saved else None
    except (KeyError, ValueError):
        return None


def _has_point(series: Series, reading: Reading) -> bool:
    t = reading.time_utc.timestamp()
    i = bisect.bisect_left(series.times_s, t)
    while i < len(series) and series.times_s[i] == t:
        if series.values[i] == reading.value:
            return True
        i += 1
    return False


def series_to_json(series: Series) -> dict[str, Any]:
    """A compact JSON form of a series (arrays as base64) for the vault's saved copies."""
    return {
        "times_s": base64.b64encode(series.times_s.tobytes()).decode("ascii"),
        "values": base64.b64encode(series.values.tobytes()).decode("ascii"),
        "origin": base64.b64encode(series.origin.tobytes()).decode("ascii"),
        "origins": [[prov.value, device] for prov, device in series.origins],
    }


def series_from_json(data: Mapping[str, Any], parameter: Parameter) -> Series | None:
    """Inverse of :func:`series_to_json`; None for a copy that does not read back whole."""
    try:
        times, values, origin = array("d"), array("d"), array("B")
        times.frombytes(base64.b64decode(str(data["times_s"])))
        values.frombytes(base64.b64decode(str(data["values"])))
        origin.frombytes(base64.b64decode(str(data["origin"])))
        origins = [(Provenance(str(p)), None if d is None else str(d)) for p, d in data["origins"]]
    except (KeyError, TypeError, ValueError):
        return None
    if not len(times) == len(values) == len(origin) or any(o >= len(origins) for o in origin):
        return None
    return Series(parameter, times, values, origin, origins)


def _effective(obs: Mapping[str, Any]) -> float:
    when = obs.get("effectiveDateTime") or (obs.get("effectivePeriod") or {}).get("start")
    try:
        return datetime.fromisoformat(str(when)).timestamp()
    except ValueError:
        return 0.0


def _patient_name(patient: Mapping[str, Any]) -> str:
    for n in patient.get("name") or []:
        given = " ".join(n.get("given") or [])
        family = n.get("family", "")
        if given or family:
            return f"{family} {given}".strip()
    return str(patient.get("id", ""))


def observation_to_reading(obs: Mapping[str, Any], parameter: Parameter) -> Reading | None:
    """One reading of ``parameter`` from an Observation (value or matching component)."""
    when = obs.get("effectiveDateTime") or (obs.get("effectivePeriod") or {}).get("start")
    try:
        t = datetime.fromisoformat(str(when)).astimezone(UTC)
    except ValueError:
        return None
    value = None
    q = obs.get("valueQuantity")
    from app.services.careplans import parameter_of

    if q is not None and parameter_of(obs.get("code")) is parameter:
        value = q.get("value")
    for comp in obs.get("component") or []:
        if parameter_of(comp.get("code")) is parameter:
            value = (comp.get("valueQuantity") or {}).get("value")
    # The FHIR client keeps decimals as decimal.Decimal (precision preserved).
    if not isinstance(value, int | float | Decimal) or isinstance(value, bool):
        return None
    device = str((obs.get("device") or {}).get("reference", "")).rsplit("/", 1)[-1] or None
    provenance = Provenance.DEVICE_BONDED if device else Provenance.MANUAL
    return Reading(parameter, t, float(value), provenance, device, str(obs.get("id", "")) or None)


# -- demo data --------------------------------------------------------------------------------
def demo_source(
    *, now_utc: datetime, clock: Clock | None = None, seed: int = 1475
) -> InMemoryTelemonitoringSource:
    """A small deterministic demo (a few patients, 90 days of daily readings, some alerts)."""
    from app.services.careplans import parse_care_plan

    rng = random.Random(seed)
    src = InMemoryTelemonitoringSource(clock=clock or (lambda: now_utc))
    for pid, name, plan_json in _DEMO_PATIENTS:
        plan = parse_care_plan(
            plan_json["plan"],
            activity_definitions=[plan_json["ad"]],
            observation_definitions=plan_json["ods"],
        )
        src.add_patient(pid, name, [plan])
        stale_days = 4 if pid == "demo-3" else 0
        for t in plan.thresholds:
            base = _DEMO_BASE[t.parameter]
            s = Series(t.parameter)
            days = 90
            for d in range(days * 2):
                when = now_utc - timedelta(hours=12 * (days * 2 - d)) - timedelta(days=stale_days)
                drift = 0.0
                if pid == "demo-1" and t.parameter is Parameter.SYSTOLIC_BP and d > days * 2 - 6:
                    drift = 45.0
                if pid == "demo-2" and t.parameter is Parameter.WEIGHT and d > days * 2 - 6:
                    drift = 0.6 * (d - (days * 2 - 6))
                v = base[0] + base[1] * math.sin(d / 9.0) + rng.gauss(0, base[1] / 2) + drift
                prov = Provenance.MANUAL if d % 17 == 0 else Provenance.DEVICE_BONDED
                s.add(
                    Reading(
                        t.parameter,
                        when,
                        round(v, 1),
                        prov,
                        None if prov is Provenance.MANUAL else f"dev-{pid}-{t.parameter.key}",
                    )
                )
            src.set_series(pid, s)
    src.check_stale()
    return src


_DEMO_BASE: dict[Parameter, tuple[float, float]] = {
    Parameter.SYSTOLIC_BP: (132.0, 6.0),
    Parameter.DIASTOLIC_BP: (82.0, 4.0),
    Parameter.HEART_RATE: (72.0, 5.0),
    Parameter.SPO2: (95.5, 0.8),
    Parameter.WEIGHT: (78.0, 0.4),
    Parameter.GLUCOSE: (140.0, 20.0),
    Parameter.TEMPERATURE: (36.6, 0.2),
    Parameter.RESPIRATORY_RATE: (16.0, 1.5),
}


def _demo_plan(
    pid: str,
    programme: str,
    bands: Mapping[
        Parameter,
        tuple[
            tuple[float, float],
            tuple[float | None, float | None],
            tuple[float | None, float | None],
        ],
    ],
) -> dict[str, Any]:
    base = "https://fhir.regional-sim.example"
    ods = []
    for p, (ref, warn, crit) in bands.items():
        intervals: list[dict[str, Any]] = [
            {
                "category": "reference",
                "range": {"low": {"value": ref[0]}, "high": {"value": ref[1]}},
            }
        ]
        for sev, (lo, hi) in (("warning", warn), ("critical", crit)):
            if lo is not None:
                intervals.append(
                    {
                        "category": "critical",
                        "range": {"high": {"value": lo}},
                        "extension": [
                            {"url": f"{base}/StructureDefinition/alarm-severity", "valueCode": sev}
                        ],
                    }
                )
            if hi is not None:
                intervals.append(
                    {
                        "category": "critical",
                        "range": {"low": {"value": hi}},
                        "extension": [
                            {"url": f"{base}/StructureDefinition/alarm-severity", "valueCode": sev}
                        ],
                    }
                )
        ods.append(
            {
                "resourceType": "ObservationDefinition",
                "id": f"od-{programme}-{p.key}",
                "code": {"coding": [{"system": "http://loinc.org", "code": p.loinc}]},
                "qualifiedInterval": intervals,
            }
        )
    ad = {
        "resourceType": "ActivityDefinition",
        "id": f"ad-{programme}",
        "url": f"{base}/ActivityDefinition/tm-{programme}",
        "code": {
            "coding": [{"system": f"{base}/CodeSystem/telemonitoring-programme", "code": programme}]
        },
        "timingTiming": {"repeat": {"frequency": 2, "period": 1, "periodUnit": "d"}},
        "observationResultRequirement": [
            {"reference": f"ObservationDefinition/{o['id']}"} for o in ods
        ],
    }
    plan = {
        "resourceType": "CarePlan",
        "id": f"cp-{pid}",
        "title": programme,
        "subject": {"reference": f"Patient/{pid}"},
        "instantiatesCanonical": [ad["url"]],
    }
    return {"plan": plan, "ad": ad, "ods": ods}


_HF = {
    Parameter.SYSTOLIC_BP: ((95.0, 135.0), (90.0, 150.0), (80.0, 170.0)),
    Parameter.DIASTOLIC_BP: ((55.0, 85.0), (50.0, 95.0), (45.0, 105.0)),
    Parameter.HEART_RATE: ((55.0, 90.0), (50.0, 105.0), (40.0, 120.0)),
    Parameter.SPO2: ((94.0, 100.0), (92.0, None), (88.0, None)),
    Parameter.WEIGHT: ((40.0, 150.0), (None, None), (None, None)),
}
_HT = {
    Parameter.SYSTOLIC_BP: ((100.0, 140.0), (95.0, 160.0), (85.0, 180.0)),
    Parameter.DIASTOLIC_BP: ((60.0, 90.0), (55.0, 100.0), (50.0, 110.0)),
    Parameter.HEART_RATE: ((55.0, 95.0), (50.0, 110.0), (40.0, 130.0)),
}
_COPD = {
    Parameter.SPO2: ((92.0, 100.0), (90.0, None), (86.0, None)),
    Parameter.HEART_RATE: ((55.0, 100.0), (50.0, 110.0), (40.0, 125.0)),
    Parameter.TEMPERATURE: ((35.8, 37.4), (35.5, 37.8), (35.0, 38.5)),
}
_DEMO_PATIENTS: list[tuple[str, str, dict[str, Any]]] = [
    ("demo-1", "Rossi Mario", _demo_plan("demo-1", "hypertension", _HT)),
    ("demo-2", "Bianchi Anna", _demo_plan("demo-2", "heart-failure", _HF)),
    ("demo-3", "Verdi Giuseppe", _demo_plan("demo-3", "copd", _COPD)),
    ("demo-4", "Esposito Lucia", _demo_plan("demo-4", "hypertension", _HT)),
]
