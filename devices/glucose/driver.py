"""Glucose meter driver: stored-record download through the Record Access Control Point.

GLS 1.0 section 3 (RACP procedures): enable notifications on Glucose Measurement (0x2A18) and
Context (0x2A34) and indications on RACP (0x2A52), write "Report Stored Records" (all, or
">= sequence number" for an incremental download), receive the records as notifications, and
finish on the RACP Response Code indication. Meters require an encrypted link for these
CCCDs, so the session pairs when the meter answers "Insufficient Encryption".

A link dropped mid-transfer is resumed from the last sequence number received; records are
de-duplicated by sequence number, so a resumed download never yields one twice.

Thread affinity: the core loop.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from devices.errors import ConnectionLost, DeviceError, MalformedPayload
from devices.glucose.parser import GlucoseMeasurement, GlucoseMeasurementContext
from devices.glucose.racp import (
    RacpFilterType,
    RacpNumberOfRecords,
    RacpOpCode,
    RacpOperator,
    RacpRequest,
    RacpResponse,
    RacpResponseCode,
    encode_racp_request,
)
from devices.session import DeviceReading, DeviceSession, RejectedPayload

__all__ = ["GlucoseDownload", "GlucoseDriver"]

_log = logging.getLogger(__name__)

_FILTER_REFUSED = {
    RacpResponseCode.OP_CODE_NOT_SUPPORTED,
    RacpResponseCode.INVALID_OPERATOR,
    RacpResponseCode.OPERATOR_NOT_SUPPORTED,
    RacpResponseCode.INVALID_OPERAND,
    RacpResponseCode.OPERAND_NOT_SUPPORTED,
}
_MEASUREMENT = "2a18"
_CONTEXT = "2a34"
_RACP = "2a52"


@dataclass(frozen=True, slots=True)
class GlucoseDownload:
    """Outcome of a download: readings in sequence order (no duplicates), whether the meter
    confirmed the end (``complete``), how many reconnects it took, and rejected payloads."""

    readings: tuple[DeviceReading, ...]
    complete: bool
    response: RacpResponseCode | None
    reconnects: int
    rejected: tuple[RejectedPayload, ...]
    #: Glucose Measurement Context (0x2A34) by sequence number, for records that have one.
    contexts: Mapping[int, GlucoseMeasurementContext] = field(default_factory=dict)

    @property
    def last_sequence(self) -> int | None:
        seqs = [
            r.value.sequence_number
            for r in self.readings
            if isinstance(r.value, GlucoseMeasurement)
        ]
        return max(seqs) if seqs else None


class GlucoseDriver:
    """Drives one glucose meter through an open :class:`DeviceSession`."""

    def __init__(
        self,
        session: DeviceSession,
        *,
        record_timeout_s: float = 10.0,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self.session = session
        self.record_timeout_s = record_timeout_s
        #: Called with the number of distinct records received so far, after each record
        #: (on the loop; keep it cheap: the UI is told through throttled events).
        self.progress = progress
        #: False once the meter refused the ">= sequence number" filter: then everything is
        #: requested and the old records are dropped here (some meters implement only "all").
        self.sequence_filter_supported = True

    async def start(self) -> None:
        """Enable measurement/context notifications and RACP indications."""
        await self.session.subscribe((_MEASUREMENT, _CONTEXT, _RACP))

    async def count_records(self, *, after_sequence: int | None = None) -> int:
        """Number of stored records (all, or with sequence > ``after_sequence``)."""
        request = (
            RacpRequest.count_all()
            if after_sequence is None
            else RacpRequest(
                RacpOpCode.REPORT_NUMBER_OF_RECORDS,
                RacpOperator.GREATER_THAN_OR_EQUAL,
                RacpFilterType.SEQUENCE_NUMBER,
                ((after_sequence + 1) & 0xFFFF,),
            )
        )
        await self.start()
        await self.session.link.write(_RACP, encode_racp_request(request), response=True)
        deadline = time.monotonic() + self.record_timeout_s
        while True:
            event = await self.session.next_event(timeout_s=max(0.0, deadline - time.monotonic()))
            if isinstance(event, DeviceReading):
                if isinstance(event.value, RacpNumberOfRecords):
                    return event.value.number_of_records
                if isinstance(event.value, RacpResponse):
                    raise MalformedPayload(
                        f"count refused: {event.value.response.name}", characteristic=_RACP
                    )

    async def _transfer(
        self,
        after_sequence: int | None,
        seen: dict[int, DeviceReading],
        rejected: list[RejectedPayload],
        contexts: dict[int, GlucoseMeasurementContext],
    ) -> RacpResponseCode:
        request = (
            RacpRequest.report_all()
            if after_sequence is None or not self.sequence_filter_supported
            else RacpRequest.report_from_sequence((after_sequence + 1) & 0xFFFF)
        )
        await self.start()
        await self.session.link.write(_RACP, encode_racp_request(request), response=True)
        while True:
            event = await self.session.next_event(timeout_s=self.record_timeout_s)
            if isinstance(event, RejectedPayload):
                rejected.append(event)
                continue
            value = event.value
            if isinstance(value, GlucoseMeasurement):
                seen.setdefault(value.sequence_number, event)
                if self.progress is not None:
                    self.progress(len(seen))
            elif isinstance(value, GlucoseMeasurementContext):
                contexts.setdefault(value.sequence_number, value)
            elif isinstance(value, RacpResponse):
                return value.response

    async def download(
        self, *, after_sequence: int | None = None, max_reconnects: int = 3
    ) -> GlucoseDownload:
        """Download stored records (all, or those after ``after_sequence``), resuming after
        link drops up to ``max_reconnects`` times. Never raises for a drop that a reconnect
        cured; raises ``devices.errors`` types otherwise (with what was received lost only
        if nothing could be returned: see ``complete``)."""
        seen: dict[int, DeviceReading] = {}
        rejected: list[RejectedPayload] = []
        contexts: dict[int, GlucoseMeasurementContext] = {}
        reconnects = 0
        cursor = after_sequence
        response: RacpResponseCode | None = None
        while True:
            try:
                response = await self._transfer(cursor, seen, rejected, contexts)
                if (
                    response in _FILTER_REFUSED
                    and cursor is not None
                    and self.sequence_filter_supported
                ):
                    _log.info("meter refused the sequence filter (%s): asking all", response.name)
                    self.sequence_filter_supported = False
                    continue
                break
            except (ConnectionLost, TimeoutError) as exc:
                _log.info("glucose download interrupted: %s", type(exc).__name__)
                if reconnects >= max_reconnects:
                    break
                reconnects += 1
                if seen:
                    cursor = max(seen)
                try:
                    await self.session.reopen()
                except DeviceError as reopen_error:
                    _log.info("glucose reconnect failed: %s", type(reopen_error).__name__)
                    break
        complete = response in (RacpResponseCode.SUCCESS, RacpResponseCode.NO_RECORDS_FOUND)
        if after_sequence is not None:
            # Only new records, whatever the meter sent (no filter, or a resumed "all").
            seen = {k: v for k, v in seen.items() if k > after_sequence}
        return GlucoseDownload(
            readings=tuple(seen[k] for k in sorted(seen)),
            complete=complete,
            response=response,
            reconnects=reconnects,
            rejected=tuple(rejected),
            contexts={k: v for k, v in contexts.items() if k in seen},
        )
