"""Record Access Control Point (0x2A52): request encoders/parsers and response
encoders/parsers.

Layout (GLS 1.0 "Record Access Control Point" and GSS "Record Access Control Point"): Op Code uint8, Operator uint8, Operand.
Requests: 1 Report Stored Records, 2 Delete Stored Records, 3 Abort Operation,
4 Report Number of Stored Records. Responses (indications): 5 Number of Stored Records
Response (operator Null, operand uint16 count), 6 Response Code (operator Null, operand
= request op code uint8 + response code value uint8).
Operators: 0 Null, 1 All records, 2 <=, 3 >=, 4 within range (inclusive), 5 first record,
6 last record. Operators 2-4 carry a filter type (1 sequence number uint16, 2 user facing
time = Date Time) followed by one (2, 3) or two (4) values; 0, 1, 5, 6 carry no operand.
Abort takes operator Null.

Every encoder has its parser and round-trips (tests). Pure, any thread.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from devices.errors import MalformedPayload
from devices.gatt_time import GattDateTime, encode_date_time, read_date_time
from devices.wire import PayloadReader

__all__ = [
    "RacpFilterType",
    "RacpNumberOfRecords",
    "RacpOpCode",
    "RacpOperator",
    "RacpRequest",
    "RacpResponse",
    "RacpResponseCode",
    "encode_racp_request",
    "encode_racp_response",
    "parse_racp_request",
    "parse_racp_response",
]

CH = "2a52"


class RacpOpCode(enum.IntEnum):
    REPORT_STORED_RECORDS = 1
    DELETE_STORED_RECORDS = 2
    ABORT_OPERATION = 3
    REPORT_NUMBER_OF_RECORDS = 4
    NUMBER_OF_RECORDS_RESPONSE = 5
    RESPONSE_CODE = 6


class RacpOperator(enum.IntEnum):
    NULL = 0
    ALL_RECORDS = 1
    LESS_THAN_OR_EQUAL = 2
    GREATER_THAN_OR_EQUAL = 3
    WITHIN_RANGE = 4
    FIRST_RECORD = 5
    LAST_RECORD = 6


class RacpFilterType(enum.IntEnum):
    SEQUENCE_NUMBER = 1
    USER_FACING_TIME = 2


class RacpResponseCode(enum.IntEnum):
    SUCCESS = 1
    OP_CODE_NOT_SUPPORTED = 2
    INVALID_OPERATOR = 3
    OPERATOR_NOT_SUPPORTED = 4
    INVALID_OPERAND = 5
    NO_RECORDS_FOUND = 6
    ABORT_UNSUCCESSFUL = 7
    PROCEDURE_NOT_COMPLETED = 8
    OPERAND_NOT_SUPPORTED = 9


_REQUESTS = {
    RacpOpCode.REPORT_STORED_RECORDS,
    RacpOpCode.DELETE_STORED_RECORDS,
    RacpOpCode.ABORT_OPERATION,
    RacpOpCode.REPORT_NUMBER_OF_RECORDS,
}
_NO_OPERAND = {
    RacpOperator.ALL_RECORDS,
    RacpOperator.FIRST_RECORD,
    RacpOperator.LAST_RECORD,
}
_VALUE_SIZE = {RacpFilterType.SEQUENCE_NUMBER: 2, RacpFilterType.USER_FACING_TIME: 7}

type FilterValue = int | GattDateTime


@dataclass(frozen=True, slots=True)
class RacpRequest:
    """A request written to 0x2A52. ``values`` holds one (<=, >=) or two (within range)
    sequence numbers (ints) or user-facing times (:class:`GattDateTime`), per ``filter_type``.

    Construct with the class methods; ``__post_init__`` rejects inconsistent combinations
    with ``ValueError``."""

    opcode: RacpOpCode
    operator: RacpOperator
    filter_type: RacpFilterType | None = None
    values: tuple[FilterValue, ...] = ()

    def __post_init__(self) -> None:
        problem = _request_problem(self)
        if problem:
            raise ValueError(problem)

    @classmethod
    def report_all(cls) -> RacpRequest:
        return cls(RacpOpCode.REPORT_STORED_RECORDS, RacpOperator.ALL_RECORDS)

    @classmethod
    def report_last(cls) -> RacpRequest:
        return cls(RacpOpCode.REPORT_STORED_RECORDS, RacpOperator.LAST_RECORD)

    @classmethod
    def report_from_sequence(cls, sequence_number: int) -> RacpRequest:
        """Records with sequence number >= ``sequence_number`` (incremental download)."""
        return cls(
            RacpOpCode.REPORT_STORED_RECORDS,
            RacpOperator.GREATER_THAN_OR_EQUAL,
            RacpFilterType.SEQUENCE_NUMBER,
            (sequence_number,),
        )

    @classmethod
    def count_all(cls) -> RacpRequest:
        return cls(RacpOpCode.REPORT_NUMBER_OF_RECORDS, RacpOperator.ALL_RECORDS)

    @classmethod
    def abort(cls) -> RacpRequest:
        return cls(RacpOpCode.ABORT_OPERATION, RacpOperator.NULL)

    @property
    def opcode_name(self) -> str:
        return self.opcode.name.lower()

    @property
    def operand(self) -> bytes:
        """The operand octets after the filter type byte."""
        out = bytearray()
        for v in self.values:
            out += v.to_bytes(2, "little") if isinstance(v, int) else encode_date_time(v)
        return bytes(out)


def _request_problem(r: RacpRequest) -> str | None:
    if r.opcode not in _REQUESTS:
        return "op code is not a request"
    if r.opcode is RacpOpCode.ABORT_OPERATION:
        if r.operator is not RacpOperator.NULL or r.filter_type or r.values:
            return "abort takes operator Null and no operand"
        return None
    if r.operator is RacpOperator.NULL:
        return "operator Null is only valid for abort"
    if r.operator in _NO_OPERAND:
        if r.filter_type is not None or r.values:
            return "this operator takes no operand"
        return None
    if r.filter_type is None:
        return "this operator needs a filter type"
    wanted = 2 if r.operator is RacpOperator.WITHIN_RANGE else 1
    if len(r.values) != wanted:
        return f"this operator needs {wanted} filter value(s)"
    for v in r.values:
        if r.filter_type is RacpFilterType.SEQUENCE_NUMBER:
            if not isinstance(v, int) or not 0 <= v <= 0xFFFF:
                return "sequence number filter values must be ints 0..65535"
        elif not isinstance(v, GattDateTime):
            return "user facing time filter values must be GattDateTime"
    return None


def encode_racp_request(request: RacpRequest) -> bytes:
    """On-air octets of ``request`` (what a driver writes with response)."""
    out = bytes((request.opcode, request.operator))
    if request.filter_type is not None:
        out += bytes((request.filter_type,)) + request.operand
    return out


def _enum[E: enum.IntEnum](kind: type[E], raw: int, what: str) -> E:
    try:
        return kind(raw)
    except ValueError:
        raise MalformedPayload(f"{what} {raw} is reserved", characteristic=CH) from None


def parse_racp_request(data: bytes, /) -> RacpRequest:
    """Decode a request written to 0x2A52 (used by the virtual meter and tests).
    Raises ``MalformedPayload`` (unknown op code/operator/filter, wrong operand length)."""
    reader = PayloadReader(data, characteristic=CH)
    if len(data) < 2:
        raise reader.fail(f"length {len(data)} < 2 required by flags")
    opcode = _enum(RacpOpCode, reader.u8("op code"), "op code")
    if opcode not in _REQUESTS:
        raise reader.fail("op code is a response, not a request")
    operator = _enum(RacpOperator, reader.u8("operator"), "operator")
    filter_type: RacpFilterType | None = None
    values: list[FilterValue] = []
    if reader.remaining:
        filter_type = _enum(RacpFilterType, reader.u8("filter type"), "filter type")
        size = _VALUE_SIZE[filter_type]
        if reader.remaining % size or not reader.remaining:
            raise reader.fail("operand length does not match the filter type")
        while reader.remaining:
            if filter_type is RacpFilterType.SEQUENCE_NUMBER:
                values.append(reader.u16("sequence number"))
            else:
                values.append(read_date_time(reader, "user facing time"))
    try:
        return RacpRequest(opcode, operator, filter_type, tuple(values))
    except ValueError as exc:
        raise reader.fail(str(exc)) from None


@dataclass(frozen=True, slots=True)
class RacpResponse:
    """Response Code indication (op code 6): outcome of ``request_opcode``."""

    request_opcode: int
    response: RacpResponseCode

    @property
    def ok(self) -> bool:
        return self.response is RacpResponseCode.SUCCESS


@dataclass(frozen=True, slots=True)
class RacpNumberOfRecords:
    """Number of Stored Records Response indication (op code 5)."""

    number_of_records: int


def parse_racp_response(
    data: bytes, /, *, lenient_count: bool = False
) -> RacpResponse | RacpNumberOfRecords:
    """Decode an indication from 0x2A52.

    Strict by default: the count is a uint16 (GLS). With ``lenient_count`` (a
    registry quirk; Nordic's Android library does the same) a 1- or 4-octet count is also
    accepted. Raises ``MalformedPayload``.
    """
    reader = PayloadReader(data, characteristic=CH)
    if len(data) < 3:
        raise reader.fail(f"length {len(data)} < 3 required by flags")
    opcode = _enum(RacpOpCode, reader.u8("op code"), "op code")
    operator = reader.u8("operator")
    if operator != RacpOperator.NULL:
        raise reader.fail("response operator must be Null")
    if opcode is RacpOpCode.NUMBER_OF_RECORDS_RESPONSE:
        allowed = (1, 2, 4) if lenient_count else (2,)
        if reader.remaining not in allowed:
            raise reader.fail(f"number of records operand is {reader.remaining} octets, not 2")
        return RacpNumberOfRecords(reader.uint(reader.remaining, "number of records"))
    if opcode is RacpOpCode.RESPONSE_CODE:
        if reader.remaining != 2:
            raise reader.fail(f"response code operand is {reader.remaining} octets, not 2")
        request = reader.u8("request op code")
        code = _enum(RacpResponseCode, reader.u8("response code"), "response code")
        return RacpResponse(request, code)
    raise reader.fail("op code is a request, not a response")


def encode_racp_response(response: RacpResponse | RacpNumberOfRecords) -> bytes:
    """On-air octets of a response (virtual meter); inverse of :func:`parse_racp_response`."""
    if isinstance(response, RacpNumberOfRecords):
        if not 0 <= response.number_of_records <= 0xFFFF:
            raise ValueError("number of records must fit a uint16")
        return bytes((RacpOpCode.NUMBER_OF_RECORDS_RESPONSE, RacpOperator.NULL)) + (
            response.number_of_records.to_bytes(2, "little")
        )
    return bytes(
        (RacpOpCode.RESPONSE_CODE, RacpOperator.NULL, response.request_opcode, response.response)
    )
