"""SQLite-backed FHIR resource store.

Threading: one dedicated DB thread owns the sqlite3 connection. Every method
whose name ends in ``_sync`` must run on that thread; the event loop calls them
through :meth:`FhirStore.call`, which awaits the single-worker executor. Because
all database work is serialised on that one thread and each interaction runs in
one ``BEGIN IMMEDIATE`` transaction, conditional create, conditional update and
transaction Bundles are atomic, also under concurrent requests.

``meta.lastUpdated`` is strictly increasing across committed write
transactions (millisecond precision; every resource written by one transaction
shares its timestamp), so ``_lastUpdated=gt<last seen>&_sort=_lastUpdated``
never misses a later write.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import re
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from . import fhirjson
from .errors import FhirError
from .fhirdates import format_instant, parse_range
from .search_params import (
    RESOURCE_TYPES,
    SEARCH_PARAMS,
    SearchParam,
    extract_index,
    normalize_string,
    parse_reference,
)
from .validation import ID_RE, validate_resource

__all__ = ["FhirStore", "Stored"]

Json = dict[str, Any]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS resource (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    rtype TEXT NOT NULL,
    rid TEXT NOT NULL,
    version INTEGER NOT NULL,
    last_updated_us INTEGER NOT NULL,
    content TEXT NOT NULL,
    UNIQUE (rtype, rid)
);
CREATE INDEX IF NOT EXISTS resource_lu ON resource (rtype, last_updated_us);
CREATE TABLE IF NOT EXISTS history (
    rtype TEXT NOT NULL,
    rid TEXT NOT NULL,
    version INTEGER NOT NULL,
    last_updated_us INTEGER NOT NULL,
    content TEXT NOT NULL,
    PRIMARY KEY (rtype, rid, version)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sp (
    rtype TEXT NOT NULL,
    rid TEXT NOT NULL,
    param TEXT NOT NULL,
    system TEXT NOT NULL,
    value TEXT NOT NULL,
    lo INTEGER,
    hi INTEGER
);
CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

_CONDITIONAL_REF = re.compile(r"^[A-Z][A-Za-z]+\?.+")
_INDEXES = (
    "CREATE INDEX IF NOT EXISTS sp_value ON sp (rtype, param, value)",
    "CREATE INDEX IF NOT EXISTS sp_owner_param ON sp (rtype, rid, param)",
    "CREATE INDEX IF NOT EXISTS sp_date ON sp (rtype, param, lo)",
)
_CONTROL_PARAMS = {
    "_count",
    "_offset",
    "_sort",
    "_include",
    "_revinclude",
    "_include:iterate",
    "_revinclude:iterate",
    "_summary",
    "_total",
    "_format",
    "_pretty",
    "_elements",
}
_DATE_PREFIXES = ("eq", "ne", "gt", "lt", "ge", "le", "sa", "eb", "ap")


@dataclass(frozen=True, slots=True)
class Stored:
    """One stored resource version; ``content`` is its JSON text (with id and meta)."""

    rtype: str
    rid: str
    version: int
    last_updated_us: int
    content: str

    @property
    def etag(self) -> str:
        """Weak ETag ``W/"<versionId>"``."""
        return f'W/"{self.version}"'

    @property
    def location(self) -> str:
        """Relative versioned location ``Type/id/_history/n``."""
        return f"{self.rtype}/{self.rid}/_history/{self.version}"

    def resource(self) -> Json:
        """Return the resource as a fresh JSON object."""
        value: Json = fhirjson.loads(self.content)
        return value


def _etag_version(header: str) -> str:
    text = header.strip()
    if text.startswith("W/"):
        text = text[2:]
    return text.strip('"')


def _without_meta_stamps(resource: Json) -> Json:
    copy = dict(resource)
    meta = dict(copy.get("meta") or {})
    meta.pop("versionId", None)
    meta.pop("lastUpdated", None)
    if meta:
        copy["meta"] = meta
    else:
        copy.pop("meta", None)
    return copy


def _status_text(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _unresolved_urn(node: Any, path: str) -> str | None:
    """Return the path of the first ``reference`` still pointing at a ``urn:uuid:``."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference" and isinstance(value, str) and value.startswith("urn:uuid:"):
                return f"{path}.reference"
            found = _unresolved_urn(value, f"{path}.{key}")
            if found:
                return found
    elif isinstance(node, list):
        for index, item in enumerate(node):
            found = _unresolved_urn(item, f"{path}[{index}]")
            if found:
                return found
    return None


def check_no_urn_references(resource: Json, where: str) -> None:
    """Reject references to ``urn:uuid:`` that no Bundle entry resolved (pure).

    Raises:
        FhirError: 400 ``processing`` with the offending element's path.
    """
    found = _unresolved_urn(resource, where)
    if found:
        raise FhirError(400, "processing", "unresolved urn:uuid reference", expression=[found])


def _rewrite(node: Any, mapping: dict[str, str]) -> Any:
    """Rewrite Bundle-local references: ``Reference.reference`` and ``Attachment.url``.

    Only ``reference`` values, and ``url`` values that are URNs (Attachment.url
    pointing at a Binary entry), are replaced: an Identifier whose value equals
    its entry's ``urn:uuid`` fullUrl (a common client pattern) must keep it, or
    conditional-create replays would no longer match.
    """
    if isinstance(node, list):
        return [_rewrite(item, mapping) for item in node]
    if not isinstance(node, dict):
        return node
    out: Json = {}
    for key, value in node.items():
        if isinstance(value, str):
            if key == "reference" or (key == "url" and value.startswith("urn:")):
                value = mapping.get(value, value)
            out[key] = value
        else:
            out[key] = _rewrite(value, mapping)
    return out


class FhirStore:
    """The resource store; see the module docstring for threading and atomicity.

    Construct on any thread, then ``await open()`` before use and ``close()``
    at the end.
    """

    def __init__(
        self,
        db_path: Path,
        *,
        strict_codice_fiscale: bool = False,
        default_page_size: int = 50,
        max_page_size: int = 1000,
    ) -> None:
        self._db_path = db_path
        self._strict_cf = strict_codice_fiscale
        self._default_page = default_page_size
        self._max_page = max_page_size
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="regional-sim-db")
        self._conn: sqlite3.Connection | None = None
        self._last_ts_us = 0
        self._tx_ts_us: int | None = None

    # ----------------------------------------------------------------- plumbing

    async def call[T](self, fn: Callable[..., T], /, *args: Any) -> T:
        """Run ``fn(*args)`` on the DB thread and await its result (call from the event loop)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, fn, *args)

    async def open(self) -> None:
        """Open (creating if needed) the database on the DB thread."""
        await self.call(self.open_sync)

    def open_sync(self) -> None:
        """Open the connection and create the schema (DB thread)."""
        self._db_path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self._db_path, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.executescript(_SCHEMA)
        for statement in _INDEXES:
            conn.execute(statement)
        row = conn.execute("SELECT MAX(last_updated_us) FROM resource").fetchone()
        self._last_ts_us = int(row[0] or 0)
        self._conn = conn

    async def close(self) -> None:
        """Close the connection and stop the DB thread."""
        await self.call(self.close_sync)
        self._executor.shutdown(wait=True)

    def close_sync(self) -> None:
        """Close the connection (DB thread)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    @property
    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise RuntimeError("store is not open")
        return self._conn

    @contextlib.contextmanager
    def _atomic(self) -> Iterator[None]:
        if self._tx_ts_us is not None:  # already inside a transaction
            yield
            return
        now_us = int(time.time() * 1000) * 1000
        self._tx_ts_us = max(now_us, self._last_ts_us + 1000)
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        else:
            self._db.execute("COMMIT")
            self._last_ts_us = self._tx_ts_us
        finally:
            self._tx_ts_us = None

    def kv_get_sync(self, key: str) -> str | None:
        """Read a server setting (DB thread)."""
        row = self._db.execute("SELECT value FROM kv WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def count_sync(self) -> int:
        """Return the number of stored resources (DB thread)."""
        return int(self._db.execute("SELECT COUNT(*) FROM resource").fetchone()[0])

    # ------------------------------------------------------------------ writes

    def _write(self, rtype: str, rid: str, resource: Json, version: int) -> Stored:
        assert self._tx_ts_us is not None
        ts = self._tx_ts_us
        meta = dict(resource.get("meta") or {})
        meta["versionId"] = str(version)
        meta["lastUpdated"] = format_instant(ts)
        body = {k: v for k, v in resource.items() if k not in ("resourceType", "id", "meta")}
        stamped: Json = {"resourceType": rtype, "id": rid, "meta": meta, **body}
        content = fhirjson.dumps(stamped)
        index = extract_index(rtype, stamped)
        db = self._db
        if version > 1:
            # Keep the superseded version for vread; the current one lives in `resource`.
            db.execute(
                "INSERT OR REPLACE INTO history SELECT rtype, rid, version, last_updated_us, "
                "content FROM resource WHERE rtype = ? AND rid = ?",
                (rtype, rid),
            )
        db.execute(
            "INSERT INTO resource (rtype, rid, version, last_updated_us, content) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (rtype, rid) DO UPDATE SET "
            "version = excluded.version, last_updated_us = excluded.last_updated_us, "
            "content = excluded.content",
            (rtype, rid, version, ts, content),
        )
        if version > 1:
            db.execute("DELETE FROM sp WHERE rtype = ? AND rid = ?", (rtype, rid))
        db.executemany(
            "INSERT INTO sp (rtype, rid, param, system, value, lo, hi) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(rtype, rid, *entry) for entry in index],
        )
        return Stored(rtype, rid, version, ts, content)

    def bulk_load_sync(self, resources: list[Json], *, marker: str) -> None:
        """Insert new pre-validated resources (seed data) in one transaction, set ``marker`` (DB thread).

        Resources must carry ids not yet stored; nothing is validated here (the
        seed is validated by the unit tests). Search indexes are rebuilt once at
        the end, which keeps first start-up fast.
        """
        with self._atomic():
            assert self._tx_ts_us is not None
            ts = self._tx_ts_us
            stamp = format_instant(ts)
            rows: list[tuple[str, str, int, int, str]] = []
            index_rows: list[tuple[Any, ...]] = []
            for resource in resources:
                rtype, rid = resource["resourceType"], resource["id"]
                meta = dict(resource.get("meta") or {})
                meta["versionId"] = "1"
                meta["lastUpdated"] = stamp
                body = {
                    k: v for k, v in resource.items() if k not in ("resourceType", "id", "meta")
                }
                stamped: Json = {"resourceType": rtype, "id": rid, "meta": meta, **body}
                rows.append(
                    (
                        rtype,
                        rid,
                        1,
                        ts,
                        fhirjson.dumps(stamped),
                    )
                )
                index_rows.extend((rtype, rid, *entry) for entry in extract_index(rtype, stamped))
            db = self._db
            for name in ("sp_value", "sp_owner_param", "sp_date"):
                db.execute(f"DROP INDEX IF EXISTS {name}")
            db.executemany(
                "INSERT INTO resource (rtype, rid, version, last_updated_us, content) "
                "VALUES (?, ?, ?, ?, ?)",
                rows,
            )
            db.executemany(
                "INSERT INTO sp (rtype, rid, param, system, value, lo, hi) VALUES (?, ?, ?, ?, ?, ?, ?)",
                index_rows,
            )
            for statement in _INDEXES:
                db.execute(statement)
            db.execute("INSERT OR REPLACE INTO kv VALUES (?, ?)", (marker, "done"))

    def insert_missing_sync(self, resources: list[Json]) -> int:
        """Write resources (with ids) that do not exist yet, in one transaction (DB thread).

        Existing resources are left untouched. Returns how many were written.
        Nothing is validated (trusted seed data).
        """
        written = 0
        with self._atomic():
            for resource in resources:
                if self._get(resource["resourceType"], resource["id"]) is None:
                    self._write(resource["resourceType"], resource["id"], resource, 1)
                    written += 1
        return written

    def _resolve_conditional_refs(self, node: Any, where: str) -> Any:
        """Replace ``Type?criteria`` references by ``Type/id`` of the single match (DB thread).

        Raises:
            FhirError: 412 if a criterion matches no resource or several.
        """
        if isinstance(node, list):
            return [self._resolve_conditional_refs(item, where) for item in node]
        if not isinstance(node, dict):
            return node
        out: Json = {}
        for key, value in node.items():
            if key == "reference" and isinstance(value, str) and _CONDITIONAL_REF.match(value):
                rtype = value.split("?", 1)[0]
                found = self._find_unique(rtype, value)
                if found is None:
                    raise FhirError(
                        412,
                        "not-found",
                        f"conditional reference {value} matches nothing",
                        expression=[where],
                    )
                out[key] = f"{rtype}/{found.rid}"
            else:
                out[key] = self._resolve_conditional_refs(value, where)
        return out

    def _create(self, rtype: str, resource: Json, if_none_exist: str | None) -> tuple[int, Stored]:
        if if_none_exist is not None:
            existing = self._find_unique(rtype, if_none_exist)
            if existing is not None:
                return 200, existing
        return 201, self._write(rtype, str(uuid.uuid4()), resource, 1)

    def _find_unique(self, rtype: str, query: str) -> Stored | None:
        # Accept both "identifier=..." (the spec) and "Patient?identifier=...".
        if "?" in query:
            prefix, _, query = query.partition("?")
            if prefix and prefix != rtype:
                raise FhirError(400, "invalid", f"conditional query for {prefix} on {rtype}")
        params = parse_qsl(query, keep_blank_values=True)
        if not params:
            raise FhirError(400, "invalid", "empty conditional query")
        ids = self._search_ids(rtype, params, limit=2)
        if len(ids) > 1:
            raise FhirError(412, "duplicate", "conditional criteria match more than one resource")
        return self._get(rtype, ids[0]) if ids else None

    def _update(
        self, rtype: str, rid: str, resource: Json, if_match: str | None
    ) -> tuple[int, Stored]:
        if resource.get("id") != rid:
            raise FhirError(
                400,
                "invalid",
                "resource id must be present and equal the URL id",
                expression=[f"{rtype}.id"],
            )
        current = self._get(rtype, rid)
        if if_match is not None:
            if current is None:
                raise FhirError(412, "conflict", f"If-Match given but {rtype}/{rid} does not exist")
            if _etag_version(if_match) != str(current.version):
                raise FhirError(
                    412, "conflict", f"version conflict: current version is {current.version}"
                )
        if current is None:
            return 201, self._write(rtype, rid, resource, 1)
        # Compare serialised forms: Decimal("36.60") == Decimal("36.6"), but FHIR
        # decimals keep their precision, so that is a real change.
        if fhirjson.dumps(
            _without_meta_stamps(current.resource()), sort_keys=True
        ) == fhirjson.dumps(_without_meta_stamps(resource), sort_keys=True):
            return 200, current  # idempotent replay: no new version
        return 200, self._write(rtype, rid, resource, current.version + 1)

    def _conditional_update(
        self, rtype: str, query: str, resource: Json, if_match: str | None
    ) -> tuple[int, Stored]:
        existing = self._find_unique(rtype, query)
        if existing is None:
            rid = resource.get("id") or str(uuid.uuid4())
            if if_match is not None:
                raise FhirError(412, "conflict", "If-Match given but no resource matches")
            return 201, self._write(rtype, str(rid), resource, 1)
        if "id" in resource and resource["id"] != existing.rid:
            raise FhirError(400, "invalid", "resource id differs from the matched resource")
        return self._update(rtype, existing.rid, {**resource, "id": existing.rid}, if_match)

    def create_sync(
        self, rtype: str, resource: Any, if_none_exist: str | None
    ) -> tuple[int, Stored]:
        """Create (POST) with optional ``If-None-Exist`` (DB thread).

        Returns ``(201, new)`` or ``(200, existing match)``.

        Raises:
            FhirError: 400 invalid resource, 412 ambiguous conditional match.
        """
        validate_resource(resource, expected_type=rtype, strict_codice_fiscale=self._strict_cf)
        check_no_urn_references(resource, rtype)
        with self._atomic():
            return self._create(rtype, resource, if_none_exist)

    def update_sync(
        self, rtype: str, rid: str, resource: Any, if_match: str | None
    ) -> tuple[int, Stored]:
        """Update or create (PUT) with a client id; optional ``If-Match`` (DB thread).

        Returns ``(200, updated)`` or ``(201, created)``. Replaying identical
        content does not create a new version.

        Raises:
            FhirError: 400 invalid resource or id mismatch, 412 version conflict.
        """
        validate_resource(resource, expected_type=rtype, strict_codice_fiscale=self._strict_cf)
        check_no_urn_references(resource, rtype)
        with self._atomic():
            return self._update(rtype, rid, resource, if_match)

    def conditional_update_sync(
        self, rtype: str, query: str, resource: Any, if_match: str | None
    ) -> tuple[int, Stored]:
        """Conditional update ``PUT Type?criteria`` (DB thread).

        Raises:
            FhirError: 400 invalid resource, 412 multiple matches or version conflict.
        """
        validate_resource(resource, expected_type=rtype, strict_codice_fiscale=self._strict_cf)
        check_no_urn_references(resource, rtype)
        with self._atomic():
            return self._conditional_update(rtype, query, resource, if_match)

    # ------------------------------------------------------------------- reads

    def _get(self, rtype: str, rid: str) -> Stored | None:
        row = self._db.execute(
            "SELECT rtype, rid, version, last_updated_us, content FROM resource "
            "WHERE rtype = ? AND rid = ?",
            (rtype, rid),
        ).fetchone()
        return None if row is None else Stored(*row)

    def read_sync(self, rtype: str, rid: str) -> Stored:
        """Read the current version (DB thread).

        Raises:
            FhirError: 404 if absent.
        """
        stored = self._get(rtype, rid)
        if stored is None:
            raise FhirError(404, "not-found", f"{rtype}/{rid} not found")
        return stored

    def vread_sync(self, rtype: str, rid: str, version: str) -> Stored:
        """Read one version (DB thread).

        Raises:
            FhirError: 404 if that version does not exist.
        """
        current = self._get(rtype, rid)
        if current is not None and str(current.version) == version:
            return current
        row = self._db.execute(
            "SELECT rtype, rid, version, last_updated_us, content FROM history "
            "WHERE rtype = ? AND rid = ? AND version = ?",
            (rtype, rid, int(version) if version.isdigit() else -1),
        ).fetchone()
        if row is None:
            raise FhirError(404, "not-found", f"{rtype}/{rid}/_history/{version} not found")
        return Stored(*row)

    # ------------------------------------------------------------------ search

    def _param_def(self, rtype: str, name: str) -> SearchParam:
        param = SEARCH_PARAMS[rtype].get(name)
        if param is None:
            raise FhirError(400, "not-supported", f"unknown search parameter {name!r} for {rtype}")
        return param

    def _where(self, rtype: str, params: list[tuple[str, str]]) -> tuple[list[str], list[Any]]:
        clauses: list[str] = ["r.rtype = ?"]
        args: list[Any] = [rtype]
        for key, raw in params:
            name, _, modifier = key.partition(":")
            values = [v for v in raw.split(",")] if raw != "" else [""]
            if name == "_id":
                clauses.append(f"r.rid IN ({','.join('?' * len(values))})")
                args.extend(values)
                continue
            if name == "_lastUpdated":
                ors, ors_args = [], []
                for value in values:
                    sql, sql_args = self._date_clause(
                        value, "r.last_updated_us", "r.last_updated_us + 1"
                    )
                    ors.append(sql)
                    ors_args.extend(sql_args)
                clauses.append("(" + " OR ".join(ors) + ")")
                args.extend(ors_args)
                continue
            param = self._param_def(rtype, name)
            if modifier == "missing":
                subquery = "r.rid IN (SELECT s.rid FROM sp s WHERE s.rtype = ? AND s.param = ?)"
                clauses.append(("NOT " if raw == "true" else "") + subquery)
                args.extend([rtype, name])
                continue
            ors, ors_args = [], []
            for value in values:
                sql, sql_args = self._value_clause(param, modifier, value)
                ors.append(sql)
                ors_args.extend(sql_args)
            negate = modifier == "not" and param.kind == "token"
            # Uncorrelated IN-subqueries let SQLite probe the (rtype, param, value)
            # index once instead of re-scanning it for every candidate row.
            clauses.append(
                ("NOT " if negate else "")
                + "r.rid IN (SELECT s.rid FROM sp s WHERE s.rtype = ? AND s.param = ? AND ("
                + " OR ".join(ors)
                + "))"
            )
            args.extend([rtype, name])
            args.extend(ors_args)
        return clauses, args

    def _date_clause(self, value: str, lo_col: str, hi_col: str) -> tuple[str, list[Any]]:
        prefix = "eq"
        if len(value) > 2 and value[:2] in _DATE_PREFIXES:
            prefix, value = value[:2], value[2:]
        p_lo, p_hi = parse_range(value)
        templates = {
            "eq": (f"({lo_col} >= ? AND {hi_col} <= ?)", [p_lo, p_hi]),
            "ne": (f"NOT ({lo_col} >= ? AND {hi_col} <= ?)", [p_lo, p_hi]),
            "gt": (f"{hi_col} > ?", [p_hi]),
            "lt": (f"{lo_col} < ?", [p_lo]),
            "ge": (f"{hi_col} > ?", [p_lo]),
            "le": (f"{lo_col} < ?", [p_hi]),
            "sa": (f"{lo_col} >= ?", [p_hi]),
            "eb": (f"{hi_col} <= ?", [p_lo]),
            "ap": (f"({lo_col} < ? AND {hi_col} > ?)", [p_hi, p_lo]),
        }
        sql, args = templates[prefix]
        return sql, list(args)

    def _value_clause(self, param: SearchParam, modifier: str, value: str) -> tuple[str, list[Any]]:
        kind = param.kind
        if kind == "date":
            if modifier:
                raise FhirError(400, "not-supported", f"modifier :{modifier} not supported")
            return self._date_clause(value, "s.lo", "s.hi")
        if kind == "token":
            if modifier not in ("", "not"):
                raise FhirError(400, "not-supported", f"modifier :{modifier} not supported")
            if "|" in value:
                system, code = value.split("|", 1)
                if code == "":
                    return "s.system = ?", [system]
                return "(s.system = ? AND s.value = ?)", [system, code]
            return "s.value = ?", [value]
        if kind == "uri":
            return "s.value = ?", [value]
        if kind == "string":
            norm = normalize_string(value)
            if modifier == "exact":
                return "s.value = ?", [norm]
            escaped = norm.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            if modifier == "contains":
                return "s.value LIKE ? ESCAPE '\\'", [f"%{escaped}%"]
            if modifier:
                raise FhirError(400, "not-supported", f"modifier :{modifier} not supported")
            return "s.value LIKE ? ESCAPE '\\'", [f"{escaped}%"]
        # reference (incl. canonical)
        if modifier and modifier not in RESOURCE_TYPES:
            raise FhirError(400, "not-supported", f"modifier :{modifier} not supported")
        canonical = value.split("|", 1)[0]
        parsed = parse_reference(value)
        if modifier:
            return "(s.system = ? AND s.value = ?)", [modifier, value]
        if parsed is not None:
            return (
                "((s.system = ? AND s.value = ?) OR (s.system = 'canonical' AND s.value = ?))",
                [parsed[0], parsed[1], canonical],
            )
        if ":" in value:  # canonical URL or urn
            return "(s.system IN ('canonical', '') AND s.value = ?)", [canonical]
        return "s.value = ?", [value]

    def _order(self, rtype: str, sort: str | None) -> tuple[str, list[Any]]:
        if not sort:
            return "r.seq", []
        parts: list[str] = []
        args: list[Any] = []
        for key in sort.split(","):
            desc = key.startswith("-")
            name = key.lstrip("-")
            direction = " DESC" if desc else ""
            if name == "_lastUpdated":
                parts.append("r.last_updated_us" + direction)
            elif name == "_id":
                parts.append("r.rid" + direction)
            else:
                param = self._param_def(rtype, name)
                if param.kind == "reference":
                    raise FhirError(400, "not-supported", f"_sort by {name} is not supported")
                if param.kind == "date":
                    agg = "MAX(s.hi)" if desc else "MIN(s.lo)"
                else:
                    agg = "MAX(s.value)" if desc else "MIN(s.value)"
                parts.append(
                    f"(SELECT {agg} FROM sp s WHERE s.rtype = r.rtype AND s.rid = r.rid "
                    f"AND s.param = ?){direction}"
                )
                args.append(name)
        parts.append("r.seq")
        return ", ".join(parts), args

    def _search_ids(self, rtype: str, params: list[tuple[str, str]], *, limit: int) -> list[str]:
        clauses, args = self._where(rtype, [p for p in params if p[0] not in _CONTROL_PARAMS])
        rows = self._db.execute(
            f"SELECT r.rid FROM resource r WHERE {' AND '.join(clauses)} ORDER BY r.seq LIMIT ?",
            [*args, limit],
        ).fetchall()
        return [str(row[0]) for row in rows]

    def search_sync(
        self, rtype: str, params: list[tuple[str, str]], base: str, lenient: bool = False
    ) -> Json:
        """Search and return a searchset Bundle with paging links (DB thread).

        Paging uses ``_offset`` on a stable order (``_sort`` keys, then insertion
        order). ``base`` is the absolute FHIR base URL used in links and fullUrls.
        ``lenient`` (``Prefer: handling=lenient``) ignores unknown parameters
        and leaves them out of the links.

        Raises:
            FhirError: 400 for unknown parameters (unless lenient), modifiers or
                malformed values.
        """
        control: dict[str, list[str]] = {}
        filters: list[tuple[str, str]] = []
        for key, value in params:
            if key in _CONTROL_PARAMS:
                control.setdefault(key, []).append(value)
            else:
                filters.append((key, value))
        if lenient:
            known = SEARCH_PARAMS[rtype]
            filters = [
                (k, v)
                for k, v in filters
                if k.partition(":")[0] in known or k.partition(":")[0] in ("_id", "_lastUpdated")
            ]
            params = [(k, v) for k, v in params if k in _CONTROL_PARAMS or (k, v) in filters]
        count = self._int_param(control, "_count", self._default_page)
        count = max(0, min(count, self._max_page))
        offset = max(0, self._int_param(control, "_offset", 0))
        summary_count = control.get("_summary", [""])[-1] == "count"
        clauses, args = self._where(rtype, filters)
        where = " AND ".join(clauses)
        total = int(
            self._db.execute(f"SELECT COUNT(*) FROM resource r WHERE {where}", args).fetchone()[0]
        )
        sort_values = control.get("_sort")
        order, order_args = self._order(rtype, sort_values[-1] if sort_values else None)
        rows: list[Any] = []
        if not summary_count and count > 0:
            rows = self._db.execute(
                "SELECT r.rtype, r.rid, r.version, r.last_updated_us, r.content FROM resource r "
                f"WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
                [*args, *order_args, count, offset],
            ).fetchall()
        matches = [Stored(*row) for row in rows]
        included = self._includes(matches, control)
        kept = [(k, v) for k, v in params if k != "_offset"]

        def link(relation: str, page_offset: int) -> Json:
            query = (
                urlencode([*kept, ("_offset", str(page_offset))])
                if page_offset
                else urlencode(kept)
            )
            return {"relation": relation, "url": f"{base}/{rtype}" + (f"?{query}" if query else "")}

        links = [link("self", offset)]
        if not summary_count and count > 0:
            links.append(link("first", 0))
            if offset + count < total:
                links.append(link("next", offset + count))
            if offset > 0:
                links.append(link("previous", max(0, offset - count)))
        entries = [
            {
                "fullUrl": f"{base}/{s.rtype}/{s.rid}",
                "resource": s.resource(),
                "search": {"mode": "match"},
            }
            for s in matches
        ] + [
            {
                "fullUrl": f"{base}/{s.rtype}/{s.rid}",
                "resource": s.resource(),
                "search": {"mode": "include"},
            }
            for s in included
        ]
        bundle: Json = {
            "resourceType": "Bundle",
            "id": str(uuid.uuid4()),
            "meta": {"lastUpdated": format_instant(int(time.time() * 1_000_000))},
            "type": "searchset",
            "total": total,
            "link": links,
        }
        if entries:
            bundle["entry"] = entries
        return bundle

    @staticmethod
    def _int_param(control: dict[str, list[str]], name: str, default: int) -> int:
        values = control.get(name)
        if not values:
            return default
        try:
            return int(values[-1])
        except ValueError as exc:
            raise FhirError(400, "invalid", f"{name} must be an integer") from exc

    def _includes(self, matches: list[Stored], control: dict[str, list[str]]) -> list[Stored]:
        seen = {(s.rtype, s.rid) for s in matches}
        out: list[Stored] = []
        specs = [(v, False) for v in control.get("_include", [])]
        specs += [(v, True) for v in control.get("_include:iterate", [])]
        rev = control.get("_revinclude", []) + control.get("_revinclude:iterate", [])
        frontier = list(matches)
        for round_no in range(3):
            found: list[Stored] = []
            for spec, iterate in specs:
                if round_no > 0 and not iterate:
                    continue
                found.extend(self._include_one(spec, frontier))
            if round_no == 0:
                for spec in rev:
                    found.extend(self._revinclude_one(spec, frontier))
            fresh = []
            for stored in found:
                if (stored.rtype, stored.rid) not in seen:
                    seen.add((stored.rtype, stored.rid))
                    fresh.append(stored)
            out.extend(fresh)
            frontier = fresh
            if not fresh:
                break
        return out

    def _include_one(self, spec: str, sources: list[Stored]) -> list[Stored]:
        parts = spec.split(":")
        if len(parts) not in (2, 3) or parts[0] not in SEARCH_PARAMS:
            raise FhirError(400, "invalid", f"malformed _include {spec!r}")
        src_type, name = parts[0], parts[1]
        target = parts[2] if len(parts) == 3 else None
        param = self._param_def(src_type, name)
        if param.kind != "reference":
            raise FhirError(400, "invalid", f"_include {spec!r} is not a reference parameter")
        ids = [s.rid for s in sources if s.rtype == src_type]
        out: list[Stored] = []
        for chunk_start in range(0, len(ids), 500):
            chunk = ids[chunk_start : chunk_start + 500]
            rows = self._db.execute(
                "SELECT DISTINCT system, value FROM sp WHERE rtype = ? AND param = ? "
                f"AND rid IN ({','.join('?' * len(chunk))})",
                [src_type, name, *chunk],
            ).fetchall()
            for system, value in rows:
                if system == "canonical":
                    out.extend(self._by_canonical(value, target))
                elif system in SEARCH_PARAMS and (target is None or system == target):
                    stored = self._get(system, value)
                    if stored is not None:
                        out.append(stored)
        return out

    def _by_canonical(self, url: str, target: str | None) -> list[Stored]:
        rows = self._db.execute(
            "SELECT r.rtype, r.rid, r.version, r.last_updated_us, r.content FROM resource r "
            "JOIN sp s ON s.rtype = r.rtype AND s.rid = r.rid WHERE s.param = 'url' AND s.value = ?",
            (url,),
        ).fetchall()
        return [Stored(*row) for row in rows if target is None or row[0] == target]

    def _revinclude_one(self, spec: str, sources: list[Stored]) -> list[Stored]:
        parts = spec.split(":")
        if len(parts) not in (2, 3) or parts[0] not in SEARCH_PARAMS:
            raise FhirError(400, "invalid", f"malformed _revinclude {spec!r}")
        src_type, name = parts[0], parts[1]
        self._param_def(src_type, name)
        out: list[Stored] = []
        for source in sources:
            rows = self._db.execute(
                "SELECT r.rtype, r.rid, r.version, r.last_updated_us, r.content FROM resource r "
                "WHERE r.rtype = ? AND EXISTS (SELECT 1 FROM sp s WHERE s.rtype = r.rtype "
                "AND s.rid = r.rid AND s.param = ? AND s.system = ? AND s.value = ?)",
                (src_type, name, source.rtype, source.rid),
            ).fetchall()
            out.extend(Stored(*row) for row in rows)
        return out

    # ----------------------------------------------------------------- bundles

    def bundle_sync(self, bundle: Any, base: str) -> Json:
        """Process a transaction or batch Bundle and return the response Bundle (DB thread).

        Transactions are all-or-nothing in one SQLite transaction: ``urn:uuid``
        (and any other) ``fullUrl`` values are rewritten everywhere they occur
        (references, ``Attachment.url``...), ``request.ifNoneExist`` and
        ``request.ifMatch`` are honoured. Batches process each entry on its own
        savepoint and report per-entry outcomes.

        Raises:
            FhirError: the failing entry's status for a transaction, 400 for a
                malformed Bundle.
        """
        if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
            raise FhirError(400, "invalid", "POST to the base requires a Bundle")
        kind = bundle.get("type")
        if kind not in ("transaction", "batch"):
            raise FhirError(400, "invalid", "Bundle.type must be transaction or batch")
        entries = bundle.get("entry") or []
        if not isinstance(entries, list):
            raise FhirError(400, "structure", "Bundle.entry must be an array")
        if kind == "transaction":
            return self._transaction(entries, base)
        return self._batch(entries, base)

    @staticmethod
    def _parse_entry(index: int, entry: Any) -> tuple[str, str, str, str | None, Json]:
        where = f"Bundle.entry[{index}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("request"), dict):
            raise FhirError(400, "structure", "entry.request is required", expression=[where])
        request: Json = entry["request"]
        method = str(request.get("method", "")).upper()
        url = str(request.get("url", "")).lstrip("/")
        if method not in ("GET", "POST", "PUT"):
            raise FhirError(
                405, "not-supported", f"method {method or '?'} not supported", expression=[where]
            )
        if not url:
            raise FhirError(400, "required", "entry.request.url is required", expression=[where])
        rtype = url.split("?", 1)[0].split("/", 1)[0]
        if rtype not in SEARCH_PARAMS:
            raise FhirError(
                404, "not-supported", f"unsupported type in {url!r}", expression=[where]
            )
        full_url = entry.get("fullUrl")
        return method, url, rtype, full_url if isinstance(full_url, str) else None, request

    def _entry_resource(self, index: int, entry: Json, rtype: str) -> Json:
        resource = entry.get("resource")
        validate_resource(
            resource,
            expected_type=rtype,
            where=f"Bundle.entry[{index}].resource",
            strict_codice_fiscale=self._strict_cf,
        )
        assert isinstance(resource, dict)
        return resource

    def _response_entry(self, status: int, stored: Stored, base: str) -> Json:
        return {
            "fullUrl": f"{base}/{stored.rtype}/{stored.rid}",
            "resource": stored.resource(),
            "response": {
                "status": _status_text(status),
                "location": stored.location,
                "etag": stored.etag,
                "lastModified": format_instant(stored.last_updated_us),
            },
        }

    def _get_entry(self, url: str, base: str) -> Json:
        path, _, query = url.partition("?")
        parts = path.split("/")
        if len(parts) == 1:
            result = self.search_sync(parts[0], parse_qsl(query, keep_blank_values=True), base)
            return {"resource": result, "response": {"status": "200 OK"}}
        if len(parts) == 2:
            return self._response_entry(200, self.read_sync(parts[0], parts[1]), base)
        if len(parts) == 4 and parts[2] == "_history":
            return self._response_entry(200, self.vread_sync(parts[0], parts[1], parts[3]), base)
        raise FhirError(400, "invalid", f"unsupported GET url {url!r}")

    def _transaction(self, entries: list[Any], base: str) -> Json:
        parsed = [self._parse_entry(i, e) for i, e in enumerate(entries)]
        resources: dict[int, Json] = {}
        full_urls: set[str] = set()
        for i, (method, url, rtype, full_url, _request) in enumerate(parsed):
            if full_url is not None:
                if full_url in full_urls:
                    raise FhirError(
                        400,
                        "invalid",
                        f"duplicate fullUrl {full_url}",
                        expression=[f"Bundle.entry[{i}]"],
                    )
                full_urls.add(full_url)
            if method in ("POST", "PUT"):
                resources[i] = self._entry_resource(i, entries[i], rtype)
                if method == "POST" and url != rtype:
                    raise FhirError(
                        400,
                        "invalid",
                        "POST url must be the resource type",
                        expression=[f"Bundle.entry[{i}]"],
                    )
        responses: dict[int, Json] = {}
        with self._atomic():
            mapping: dict[str, str] = {}
            plans: dict[int, tuple[str, str | None]] = {}  # index -> (id, existing marker)
            targets: set[tuple[str, str]] = set()
            for i, (method, url, rtype, full_url, request) in enumerate(parsed):
                if method == "GET":
                    continue
                try:
                    if method == "POST":
                        existing = None
                        if request.get("ifNoneExist"):
                            existing = self._find_unique(rtype, str(request["ifNoneExist"]))
                        rid = existing.rid if existing else str(uuid.uuid4())
                        plans[i] = (rid, "existing" if existing else None)
                    else:
                        path, _, query = url.partition("?")
                        if query:
                            found = self._find_unique(rtype, query)
                            body_id = resources[i].get("id")
                            rid = found.rid if found else str(body_id or uuid.uuid4())
                        else:
                            segments = path.split("/")
                            if len(segments) != 2 or not ID_RE.match(segments[1]):
                                raise FhirError(
                                    400, "invalid", f"PUT url must be Type/id, got {url!r}"
                                )
                            rid = segments[1]
                        plans[i] = (rid, None)
                except FhirError as exc:
                    exc.diagnostics = f"Bundle.entry[{i}]: {exc.diagnostics}"
                    exc.expression = exc.expression or [f"Bundle.entry[{i}]"]
                    raise
                if (rtype, rid) in targets and plans[i][1] is None:
                    raise FhirError(
                        409,
                        "conflict",
                        f"{rtype}/{rid} is written twice",
                        expression=[f"Bundle.entry[{i}]"],
                    )
                targets.add((rtype, rid))
                if full_url is not None:
                    mapping[full_url] = f"{rtype}/{rid}"
            order = [i for i, p in enumerate(parsed) if p[0] == "POST"]
            order += [i for i, p in enumerate(parsed) if p[0] == "PUT"]
            for i in order:
                method, _url, rtype, _full_url, request = parsed[i]
                rid, marker = plans[i]
                where = f"Bundle.entry[{i}].resource"
                resource = _rewrite(resources[i], mapping)
                check_no_urn_references(resource, where)
                try:
                    resource = self._resolve_conditional_refs(resource, where)
                    if method == "POST":
                        if marker == "existing":
                            stored = self.read_sync(rtype, rid)
                            responses[i] = self._response_entry(200, stored, base)
                        else:
                            responses[i] = self._response_entry(
                                201, self._write(rtype, rid, resource, 1), base
                            )
                    else:
                        if_match = request.get("ifMatch")
                        status, stored = self._update(
                            rtype, rid, {**resource, "id": rid}, str(if_match) if if_match else None
                        )
                        responses[i] = self._response_entry(status, stored, base)
                except FhirError as exc:
                    exc.diagnostics = f"Bundle.entry[{i}]: {exc.diagnostics}"
                    raise
            for i, (method, url, _rtype, _full_url, _request) in enumerate(parsed):
                if method == "GET":
                    responses[i] = self._get_entry(url, base)
        return {
            "resourceType": "Bundle",
            "id": str(uuid.uuid4()),
            "type": "transaction-response",
            "entry": [responses[i] for i in range(len(parsed))],
        }

    def _batch(self, entries: list[Any], base: str) -> Json:
        out: list[Json] = []
        with self._atomic():
            for i, entry in enumerate(entries):
                self._db.execute("SAVEPOINT entry")
                try:
                    out.append(self._batch_entry(i, entry, base))
                except FhirError as exc:
                    self._db.execute("ROLLBACK TO entry")
                    out.append({"response": {"status": str(exc.status), "outcome": exc.outcome()}})
                finally:
                    self._db.execute("RELEASE entry")
        return {
            "resourceType": "Bundle",
            "id": str(uuid.uuid4()),
            "type": "batch-response",
            "entry": out,
        }

    def _batch_entry(self, i: int, entry: Any, base: str) -> Json:
        method, url, rtype, _full_url, request = self._parse_entry(i, entry)
        if method == "GET":
            return self._get_entry(url, base)
        resource = self._entry_resource(i, entry, rtype)
        check_no_urn_references(resource, f"Bundle.entry[{i}].resource")
        resource = self._resolve_conditional_refs(resource, f"Bundle.entry[{i}].resource")
        if method == "POST":
            if url != rtype:
                raise FhirError(400, "invalid", "POST url must be the resource type")
            none_exist = request.get("ifNoneExist")
            status, stored = self._create(rtype, resource, str(none_exist) if none_exist else None)
            return self._response_entry(status, stored, base)
        if_match = request.get("ifMatch")
        match_text = str(if_match) if if_match else None
        path, _, query = url.partition("?")
        if query:
            status, stored = self._conditional_update(rtype, query, resource, match_text)
            return self._response_entry(status, stored, base)
        segments = path.split("/")
        if len(segments) != 2:
            raise FhirError(400, "invalid", f"PUT url must be Type/id, got {url!r}")
        status, stored = self._update(rtype, segments[1], resource, match_text)
        return self._response_entry(status, stored, base)

    # ------------------------------------------------------------------ binary

    @staticmethod
    def binary_from_bytes(rid: str, content_type: str, data: bytes) -> Json:
        """Wrap raw bytes as a Binary resource JSON object (pure, any thread)."""
        return {
            "resourceType": "Binary",
            "id": rid,
            "contentType": content_type,
            "data": base64.b64encode(data).decode("ascii"),
        }
