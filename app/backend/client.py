"""Async FHIR R4 client for the regional backend (httpx, thin FHIR layer).

Design (DESIGN.md §4): JSON over HTTP/1.1 or HTTP/2, TLS verification always on,
explicit timeouts, retries only where a resend cannot duplicate a write (GET, PUT,
conditional create, transactions made only of such entries), 429 ``Retry-After``
honoured up to a bound. Every resource crossing the boundary is checked against the
``fhir.resources`` R4B model of its type; a 2xx answer that fails is a
:class:`MalformedResponse`, never a partial result.

Resources are plain JSON dicts (decimals as :class:`decimal.Decimal`, so precision
survives a round trip). ETags are opaque strings, passed back exactly as received.

Thread affinity: a :class:`FhirClient` belongs to the core asyncio loop that first
uses it (httpx connection pools are bound to one loop). Call every coroutine on that
loop only; nothing here is thread-safe.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import os
import ssl
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlencode, urljoin, urlsplit

import httpx
import pydantic
from fhir.resources.R4B import get_fhir_model_class

from app.backend import fhirjson
from app.backend.errors import (
    ClientError,
    Conflict,
    ConnectionFailed,
    Forbidden,
    Gone,
    HttpStatusError,
    MalformedResponse,
    NotFound,
    OutcomeIssue,
    PreconditionFailed,
    RateLimited,
    ServerError,
    Timeout,
    TlsError,
    TransportError,
    Unauthorized,
)
from app.logs import safe

__all__ = [
    "BundleEntryResult",
    "BundleResult",
    "FhirClient",
    "FhirResource",
    "PullResult",
    "ResourceResult",
    "SearchResult",
    "Timeouts",
    "TokenProvider",
]

log = logging.getLogger(__name__)

FhirResource = dict[str, Any]
"""A FHIR resource as parsed JSON (decimals are :class:`decimal.Decimal`)."""

QueryParams = Mapping[str, str | Sequence[str]] | Sequence[tuple[str, str]]
"""Search parameters: a mapping (a sequence value repeats the parameter) or pairs."""

FHIR_JSON = "application/fhir+json"
_JSON_TYPES = ("application/fhir+json", "application/json", "application/json+fhir")
_RETRYABLE_5XX = frozenset({502, 503, 504})
_CHUNK_BYTES = 64 * 1024


class TokenProvider(Protocol):
    """Supplies bearer tokens; called on the core loop.

    ``force_refresh=True`` is passed once after a 401: the provider must then obtain a
    fresh token (refresh grant, re-login) instead of returning a cached one. Raising
    from the provider propagates to the caller unchanged. An empty string means "no
    token": the request is sent without ``Authorization``.
    """

    def __call__(self, *, force_refresh: bool) -> Awaitable[str]: ...


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Per-request timeouts in seconds (connect, read between bytes, write, pool wait)."""

    connect_s: float = 5.0
    read_s: float = 30.0
    write_s: float = 30.0
    pool_s: float = 5.0

    def to_httpx(self) -> httpx.Timeout:
        """The equivalent :class:`httpx.Timeout`."""
        return httpx.Timeout(
            connect=self.connect_s, read=self.read_s, write=self.write_s, pool=self.pool_s
        )


@dataclass(frozen=True, slots=True)
class ResourceResult:
    """Outcome of a read or write of one resource.

    ``resource`` is None when the server answered without a body (e.g. ``return=minimal``).
    ``etag`` is opaque (send it back in ``If-Match`` unchanged); ``location`` is the
    ``Location``/``Content-Location`` header (``Type/id/_history/v``, maybe absolute).
    """

    status: int
    resource: FhirResource | None
    etag: str | None
    location: str | None
    last_modified: str | None = None

    @property
    def created(self) -> bool:
        """True if the server created a resource (201), False if it matched/updated one."""
        return self.status == 201

    @property
    def resource_id(self) -> str | None:
        """The logical id, from the body or else from the location header."""
        if self.resource is not None and isinstance(self.resource.get("id"), str):
            return str(self.resource["id"])
        return _id_from_location(self.location)


@dataclass(frozen=True, slots=True)
class SearchResult:
    """A search across all pages: ``matches`` (search.mode=match) and ``included`` apart."""

    matches: list[FhirResource]
    included: list[FhirResource]
    total: int | None
    outcomes: list[FhirResource] = field(default_factory=list)
    pages: int = 1


@dataclass(frozen=True, slots=True)
class BundleEntryResult:
    """One entry of a transaction-response or batch-response Bundle.

    ``status`` is the numeric HTTP status of ``response.status`` ("201 Created" -> 201);
    ``issues`` comes from ``response.outcome`` (batch failures).
    """

    status: int
    location: str | None
    etag: str | None
    last_modified: str | None
    resource: FhirResource | None
    issues: tuple[OutcomeIssue, ...] = ()

    @property
    def ok(self) -> bool:
        """True for a 2xx entry."""
        return 200 <= self.status < 300

    @property
    def resource_id(self) -> str | None:
        """The logical id, from the body or else from the location."""
        if self.resource is not None and isinstance(self.resource.get("id"), str):
            return str(self.resource["id"])
        return _id_from_location(self.location)


@dataclass(frozen=True, slots=True)
class BundleResult:
    """A transaction or batch response; ``entries`` are in request order."""

    entries: tuple[BundleEntryResult, ...]
    bundle: FhirResource


@dataclass(frozen=True, slots=True)
class PullResult:
    """Resources changed after the old watermark, oldest first, and the new watermark.

    ``watermark`` is the greatest ``meta.lastUpdated`` seen (the server's own string),
    or the old watermark when nothing changed.
    """

    resources: list[FhirResource]
    watermark: str | None


BodyFactory = Callable[[], bytes | AsyncIterable[bytes]]


@dataclass(frozen=True, slots=True)
class _Request:
    method: str
    url: str
    params: list[tuple[str, str]]
    headers: dict[str, str]
    body: BodyFactory | None
    # A resend cannot create a second copy of anything (GET, PUT, conditional create).
    idempotent: bool
    # The body can be produced again for a second attempt.
    replayable: bool = True


class FhirClient:
    """Async FHIR R4 client bound to one server base URL (e.g. ``https://host/fhir``).

    Args:
        base_url: FHIR base, with or without trailing slash.
        token_provider: optional bearer token source; without it no ``Authorization``.
        ca_bundle_path: PEM file of trusted CAs (default: the system/certifi store).
            Verification cannot be turned off.
        timeouts: per-request timeouts in seconds.
        http2: offer HTTP/2 via ALPN on https (plain http stays HTTP/1.1).
        max_attempts: attempts per request when a retry is safe (>= 1).
        max_retry_wait_s: longest single wait honoured for ``Retry-After`` or back-off;
            a longer 429 hint raises :class:`RateLimited` at once.
        backoff_s: first back-off delay, doubled at each retry, capped at ``max_retry_wait_s``.
        validate: check every resource against the R4B models (default True).
        transport: an httpx transport to use instead of the network (tests).
        sleep: the coroutine used to wait between attempts (tests).

    Thread affinity: core loop only. Use ``async with`` or call :meth:`aclose`.
    Construction loads the CA bundle synchronously (a small file read).
    """

    def __init__(
        self,
        base_url: str,
        *,
        token_provider: TokenProvider | None = None,
        ca_bundle_path: str | os.PathLike[str] | None = None,
        timeouts: Timeouts = Timeouts(),
        http2: bool = False,
        max_attempts: int = 3,
        max_retry_wait_s: float = 10.0,
        backoff_s: float = 0.2,
        validate: bool = True,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be >= 1")
        self._base = base_url.rstrip("/") + "/"
        split = urlsplit(self._base)
        if split.scheme not in ("http", "https") or not split.netloc:
            raise ValueError("base_url must be an absolute http(s) URL")
        self._origin = (split.scheme, split.netloc.lower())
        self._token_provider = token_provider
        self._max_attempts = max_attempts
        self._max_retry_wait_s = max_retry_wait_s
        self._backoff_s = backoff_s
        self._validate = validate
        self._sleep = sleep
        verify = ssl.create_default_context(
            cafile=os.fspath(ca_bundle_path) if ca_bundle_path is not None else None
        )
        if ca_bundle_path is None:
            try:
                import certifi

                verify.load_verify_locations(cafile=certifi.where())
            except ImportError:
                pass
        self._http = httpx.AsyncClient(
            verify=verify,
            http2=http2,
            timeout=timeouts.to_httpx(),
            transport=transport,
            follow_redirects=False,
            headers={"Accept": FHIR_JSON, "User-Agent": "telemed-workstation"},
        )

    @property
    def base_url(self) -> str:
        """The FHIR base URL, with a trailing slash."""
        return self._base

    async def aclose(self) -> None:
        """Close pooled connections. Core loop only."""
        await self._http.aclose()

    async def __aenter__(self) -> FhirClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # ------------------------------------------------------------------ reads

    async def read(self, resource_type: str, resource_id: str) -> ResourceResult:
        """GET ``{type}/{id}``; the resource is validated and must be of ``resource_type``.

        Raises: NotFound, Gone, other :class:`HttpStatusError`, :class:`TransportError`,
        :class:`MalformedResponse`. Retried when safe. Core loop only.
        """
        _check_segment(resource_type)
        _check_segment(resource_id)
        response = await self._send(
            _Request("GET", f"{resource_type}/{resource_id}", [], {}, None, idempotent=True)
        )
        resource = self._resource_body(response, expected_type=resource_type, required=True)
        return _resource_result(response, resource)

    async def search(
        self,
        resource_type: str,
        params: QueryParams | None = None,
        *,
        include: Sequence[str] = (),
        max_pages: int = 100,
    ) -> SearchResult:
        """Search ``{type}?params`` and follow ``next`` links up to ``max_pages`` pages.

        ``include`` values are ``_include`` parameters (``Appointment:patient``). Matches
        and included resources are returned apart (``entry.search.mode``); an included
        resource seen on several pages is returned once. Raises
        :class:`MalformedResponse` if more than ``max_pages`` pages are offered.
        Core loop only.
        """
        matches: list[FhirResource] = []
        included: list[FhirResource] = []
        outcomes: list[FhirResource] = []
        seen_included: set[tuple[str, str]] = set()
        total: int | None = None
        pages = 0
        async for page in self.search_pages(
            resource_type, params, include=include, max_pages=max_pages
        ):
            pages += 1
            matches.extend(page.matches)
            outcomes.extend(page.outcomes)
            for res in page.included:
                key = (str(res.get("resourceType")), str(res.get("id")))
                if key not in seen_included:
                    seen_included.add(key)
                    included.append(res)
            if page.total is not None:
                total = page.total
        return SearchResult(matches, included, total, outcomes, pages)

    async def search_pages(
        self,
        resource_type: str,
        params: QueryParams | None = None,
        *,
        include: Sequence[str] = (),
        max_pages: int = 100,
    ) -> AsyncIterator[SearchResult]:
        """Yield one :class:`SearchResult` per searchset page, following ``next`` links.

        Paging links must stay on the base URL's origin (else :class:`MalformedResponse`).
        Core loop only.
        """
        _check_segment(resource_type)
        query = _query_pairs(params) + [("_include", value) for value in include]
        request = _Request("GET", resource_type, query, {}, None, idempotent=True)
        for _ in range(max_pages):
            response = await self._send(request)
            bundle = self._resource_body(response, expected_type="Bundle", required=True)
            if bundle.get("type") != "searchset":
                raise MalformedResponse(f"search returned a {bundle.get('type')!r} Bundle")
            yield _split_searchset(bundle, resource_type)
            next_url = _link(bundle, "next")
            if next_url is None:
                return
            request = _Request(
                "GET", self._same_origin(urljoin(str(response.url), next_url)), [], {}, None, True
            )
        raise MalformedResponse(f"search offered more than {max_pages} pages")

    # ----------------------------------------------------------------- writes

    async def create(
        self,
        resource: Mapping[str, Any],
        *,
        if_none_exist: QueryParams | str | None = None,
    ) -> ResourceResult:
        """POST a new resource; with ``if_none_exist`` a conditional create.

        ``if_none_exist`` is the search (``{"identifier": "system|value"}``) sent in the
        ``If-None-Exist`` header (never in the URL). ``result.created`` is False when an
        existing match was returned. Only conditional creates are retried after a
        failure that may have reached the server. Raises PreconditionFailed (several
        matches), other HttpStatusError, TransportError, MalformedResponse. Core loop only.
        """
        resource_type = _resource_type_of(resource)
        headers = {"Content-Type": FHIR_JSON, "Prefer": "return=representation"}
        if if_none_exist is not None:
            headers["If-None-Exist"] = (
                if_none_exist if isinstance(if_none_exist, str) else _encode_query(if_none_exist)
            )
        body = fhirjson.dumps(resource)
        response = await self._send(
            _Request(
                "POST",
                resource_type,
                [],
                headers,
                lambda: body,
                idempotent=if_none_exist is not None,
            )
        )
        created = self._resource_body(response, expected_type=resource_type, required=False)
        return _resource_result(response, created)

    async def update(
        self, resource: Mapping[str, Any], *, if_match: str | None = None
    ) -> ResourceResult:
        """PUT ``{type}/{id}`` (update, or create with a client id).

        ``if_match`` is an ETag exactly as received; a mismatch raises
        :class:`PreconditionFailed` (see :meth:`read_modify_write`). Retried when safe
        (PUT is idempotent). Core loop only.
        """
        resource_type = _resource_type_of(resource)
        resource_id = resource.get("id")
        if not isinstance(resource_id, str):
            raise ValueError("update needs a resource with an id")
        _check_segment(resource_id)
        headers = {"Content-Type": FHIR_JSON, "Prefer": "return=representation"}
        if if_match is not None:
            headers["If-Match"] = if_match
        body = fhirjson.dumps(resource)
        response = await self._send(
            _Request(
                "PUT", f"{resource_type}/{resource_id}", [], headers, lambda: body, idempotent=True
            )
        )
        updated = self._resource_body(response, expected_type=resource_type, required=False)
        return _resource_result(response, updated)

    async def read_modify_write(
        self,
        resource_type: str,
        resource_id: str,
        apply: Callable[[FhirResource], FhirResource],
        *,
        attempts: int = 3,
    ) -> ResourceResult:
        """Read, apply a change, PUT with ``If-Match``; on 412 refetch and re-apply.

        ``apply`` receives the current resource (a private copy) and returns the new one;
        it may be called up to ``attempts`` times, so it must be a pure function of its
        input. Raises :class:`PreconditionFailed` if every attempt lost the race, and the
        errors of :meth:`read` and :meth:`update`. Core loop only.
        """
        last: PreconditionFailed | None = None
        for _ in range(max(1, attempts)):
            current = await self.read(resource_type, resource_id)
            assert current.resource is not None  # read() requires a body
            changed = apply(fhirjson.loads(fhirjson.dumps(current.resource)))
            if current.etag is None:
                raise MalformedResponse("read returned no ETag; cannot update safely")
            try:
                return await self.update(changed, if_match=current.etag)
            except PreconditionFailed as exc:
                log.info("If-Match lost a race; refetching")
                last = exc
        assert last is not None
        raise last

    async def transaction(self, bundle: Mapping[str, Any]) -> BundleResult:
        """POST a ``transaction`` Bundle: all entries commit, or none does.

        Returns the transaction-response entries in request order. Any error (HTTP
        status, transport, malformed or short response) raises, so from the caller's view
        nothing was applied or the outcome is unknown; resending the same Bundle is safe
        only if it is made of conditional creates/PUTs (the client itself retries only
        such Bundles). Core loop only.
        """
        return await self._post_bundle(bundle, "transaction")

    async def batch(self, bundle: Mapping[str, Any]) -> BundleResult:
        """POST a ``batch`` Bundle; each entry succeeds or fails on its own.

        Check ``entry.ok``/``entry.status`` per entry. Core loop only.
        """
        return await self._post_bundle(bundle, "batch")

    async def put_binary(
        self,
        binary_id: str,
        source: str | os.PathLike[str] | bytes | AsyncIterable[bytes],
        *,
        content_type: str,
        if_match: str | None = None,
    ) -> ResourceResult:
        """PUT raw bytes as ``Binary/{binary_id}`` with their own ``Content-Type``.

        ``source`` is a file path (streamed in 64 KiB chunks, never read whole; retried
        when safe), bytes, or an async iterator of chunks (streamed, single attempt because
        it cannot be replayed). The server is asked for ``return=minimal``, so
        ``result.resource`` is usually None. Core loop only.
        """
        _check_segment(binary_id)
        headers = {"Content-Type": content_type, "Prefer": "return=minimal"}
        if if_match is not None:
            headers["If-Match"] = if_match
        replayable = True
        factory: BodyFactory
        if isinstance(source, bytes):
            data = source
            factory = lambda: data  # noqa: E731
        elif isinstance(source, str | os.PathLike):
            path = Path(source)
            size = (await asyncio.to_thread(path.stat)).st_size
            headers["Content-Length"] = str(size)
            factory = lambda: _file_chunks(path)  # noqa: E731
        else:
            stream = source
            replayable = False
            factory = lambda: stream  # noqa: E731
        response = await self._send(
            _Request(
                "PUT",
                f"Binary/{binary_id}",
                [],
                headers,
                factory,
                idempotent=True,
                replayable=replayable,
            )
        )
        body = self._resource_body(response, expected_type="Binary", required=False)
        return _resource_result(response, body)

    async def pull_updates(
        self,
        resource_type: str,
        *,
        watermark: str | None,
        params: QueryParams | None = None,
        page_size: int = 100,
        max_pages: int = 1000,
    ) -> PullResult:
        """Incremental pull: ``_lastUpdated=gt<watermark>&_sort=_lastUpdated``, all pages.

        ``watermark`` None pulls everything. The returned watermark is the greatest
        ``meta.lastUpdated`` received, to persist only after the resources are stored.
        Raises :class:`MalformedResponse` if a resource lacks ``meta.lastUpdated``.
        Core loop only.
        """
        query = _query_pairs(params)
        if watermark is not None:
            query.append(("_lastUpdated", f"gt{watermark}"))
        query += [("_sort", "_lastUpdated"), ("_count", str(page_size))]
        result = await self.search(resource_type, query, max_pages=max_pages)
        best = watermark
        best_at = _parse_instant(watermark) if watermark is not None else None
        for res in result.matches:
            stamp = res.get("meta", {}).get("lastUpdated")
            if not isinstance(stamp, str):
                raise MalformedResponse("resource without meta.lastUpdated in an incremental pull")
            at = _parse_instant(stamp)
            if best_at is None or at > best_at:
                best, best_at = stamp, at
        return PullResult(result.matches, best)

    # --------------------------------------------------------------- internals

    async def _post_bundle(self, bundle: Mapping[str, Any], kind: str) -> BundleResult:
        if bundle.get("resourceType") != "Bundle" or bundle.get("type") != kind:
            raise ValueError(f"expected a Bundle of type {kind!r}")
        entries = bundle.get("entry") or []
        body = fhirjson.dumps(bundle)
        idempotent = all(_entry_is_idempotent(e) for e in entries)
        response = await self._send(
            _Request(
                "POST",
                "",
                [],
                {"Content-Type": FHIR_JSON, "Prefer": "return=representation"},
                lambda: body,
                idempotent=idempotent,
            )
        )
        result = self._resource_body(response, expected_type="Bundle", required=True)
        if result.get("type") != f"{kind}-response":
            raise MalformedResponse(f"expected a {kind}-response, got {result.get('type')!r}")
        raw_entries = result.get("entry") or []
        if len(raw_entries) != len(entries):
            raise MalformedResponse(
                f"{kind}-response has {len(raw_entries)} entries for {len(entries)} sent"
            )
        parsed = tuple(_bundle_entry(e) for e in raw_entries)
        if kind == "transaction" and not all(e.ok for e in parsed):
            raise MalformedResponse("transaction-response with a non-2xx entry")
        return BundleResult(parsed, result)

    def _same_origin(self, url: str) -> str:
        split = urlsplit(url)
        if (split.scheme, split.netloc.lower()) != self._origin:
            # Never follow a paging link (with our bearer token) to another server.
            raise MalformedResponse("paging link points to another origin")
        return url

    async def _headers(self, base: Mapping[str, str], *, force_refresh: bool) -> dict[str, str]:
        headers = dict(base)
        if self._token_provider is not None:
            token = await self._token_provider(force_refresh=force_refresh)
            if token:  # "" = nobody is logged in online: the request goes out anonymous
                headers["Authorization"] = f"Bearer {token}"
        return headers

    async def _send(self, request: _Request) -> httpx.Response:
        url = request.url if "://" in request.url else self._base + request.url
        refreshed = False
        force_refresh = False
        attempt = 0
        while True:
            attempt += 1
            headers = await self._headers(request.headers, force_refresh=force_refresh)
            force_refresh = False
            content = request.body() if request.body is not None else None
            can_retry = attempt < self._max_attempts and (
                request.replayable or request.body is None
            )
            try:
                response = await self._http.request(
                    request.method,
                    url,
                    params=tuple(request.params) if request.params else None,
                    headers=headers,
                    content=content,
                )
            except httpx.HTTPError as exc:
                error = _map_transport_error(exc)
                if can_retry and (request.idempotent or not error.request_sent):
                    await self._sleep(self._backoff(attempt))
                    continue
                raise error from exc
            if response.status_code < 400:
                return response
            if response.status_code == 401 and not refreshed and self._token_provider is not None:
                if request.replayable or request.body is None:
                    refreshed = True
                    force_refresh = True
                    attempt -= 1  # the refresh is not a failure of the request
                    continue
            wait_s = self._retry_wait(response, attempt)
            if can_retry and wait_s is not None:
                if response.status_code == 429 or request.idempotent:
                    log.info(
                        "HTTP %s, retrying after %s s",
                        safe(response.status_code),
                        safe(round(wait_s, 1)),
                    )
                    await self._sleep(wait_s)
                    continue
            raise _status_error(response)

    def _retry_wait(self, response: httpx.Response, attempt: int) -> float | None:
        status = response.status_code
        if status != 429 and status not in _RETRYABLE_5XX:
            return None
        hint = _retry_after_s(response.headers.get("Retry-After"))
        if hint is None:
            return self._backoff(attempt)
        if hint > self._max_retry_wait_s:
            return None
        return hint

    def _backoff(self, attempt: int) -> float:
        return float(min(self._backoff_s * (2 ** (attempt - 1)), self._max_retry_wait_s))

    def _resource_body(
        self, response: httpx.Response, *, expected_type: str, required: bool
    ) -> FhirResource:
        raw = response.content
        if not raw.strip():
            if required:
                raise MalformedResponse(f"HTTP {response.status_code} without a body")
            return {}
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type not in _JSON_TYPES:
            raise MalformedResponse(f"expected FHIR JSON, got {content_type or 'no content type'}")
        try:
            data = fhirjson.loads(raw)
        except fhirjson.FhirJsonError as exc:
            raise MalformedResponse(f"invalid JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise MalformedResponse("JSON body is not an object")
        actual = data.get("resourceType")
        if actual != expected_type:
            raise MalformedResponse(f"expected {expected_type}, got {actual!r}")
        if self._validate:
            _validate(data)
        return data


# ------------------------------------------------------------------ helpers


def _validate(resource: FhirResource) -> None:
    resource_type = resource.get("resourceType")
    try:
        model = get_fhir_model_class(str(resource_type))
    except KeyError as exc:
        raise MalformedResponse(f"unknown resourceType {resource_type!r}") from exc
    try:
        model.model_validate(resource)
    except (pydantic.ValidationError, ValueError, TypeError) as exc:
        # Only the first line: the full message may echo field values (health data).
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise MalformedResponse(f"{resource_type} fails the R4B model: {first}") from exc


def _resource_result(response: httpx.Response, resource: FhirResource) -> ResourceResult:
    return ResourceResult(
        status=response.status_code,
        resource=resource or None,
        etag=response.headers.get("ETag"),
        location=response.headers.get("Location") or response.headers.get("Content-Location"),
        last_modified=response.headers.get("Last-Modified"),
    )


def _resource_type_of(resource: Mapping[str, Any]) -> str:
    resource_type = resource.get("resourceType")
    if not isinstance(resource_type, str):
        raise ValueError("resource has no resourceType")
    _check_segment(resource_type)
    return resource_type


def _check_segment(value: str) -> None:
    if not value or "/" in value or "?" in value or "#" in value or value in (".", ".."):
        raise ValueError(f"invalid path segment {value!r}")


def _query_pairs(params: QueryParams | None) -> list[tuple[str, str]]:
    if params is None:
        return []
    if isinstance(params, Mapping):
        pairs: list[tuple[str, str]] = []
        for key, value in params.items():
            if isinstance(value, str):
                pairs.append((key, value))
            else:
                pairs.extend((key, item) for item in value)
        return pairs
    return [(str(k), str(v)) for k, v in params]


def _encode_query(params: QueryParams) -> str:
    return urlencode(_query_pairs(params), safe=":/|,")


def _entry_is_idempotent(entry: Mapping[str, Any]) -> bool:
    request = entry.get("request") or {}
    method = str(request.get("method", "")).upper()
    return method in ("GET", "HEAD", "PUT") or (
        method == "POST" and bool(request.get("ifNoneExist"))
    )


def _link(bundle: Mapping[str, Any], relation: str) -> str | None:
    for link in bundle.get("link") or []:
        if link.get("relation") == relation and isinstance(link.get("url"), str):
            return str(link["url"])
    return None


def _split_searchset(bundle: Mapping[str, Any], resource_type: str) -> SearchResult:
    matches: list[FhirResource] = []
    included: list[FhirResource] = []
    outcomes: list[FhirResource] = []
    for entry in bundle.get("entry") or []:
        resource = entry.get("resource")
        if not isinstance(resource, dict):
            continue
        mode = (entry.get("search") or {}).get("mode")
        if mode is None:
            mode = "match" if resource.get("resourceType") == resource_type else "include"
        if mode == "match":
            matches.append(resource)
        elif mode == "include":
            included.append(resource)
        else:
            outcomes.append(resource)
    total = bundle.get("total")
    return SearchResult(matches, included, total if isinstance(total, int) else None, outcomes)


def _bundle_entry(entry: Mapping[str, Any]) -> BundleEntryResult:
    response = entry.get("response")
    if not isinstance(response, dict) or not isinstance(response.get("status"), str):
        raise MalformedResponse("bundle response entry without response.status")
    status_text = response["status"].strip()
    try:
        status = int(status_text.split(" ", 1)[0])
    except ValueError as exc:
        raise MalformedResponse(f"bad entry status {status_text!r}") from exc
    outcome = response.get("outcome")
    issues = _issues(outcome) if isinstance(outcome, dict) else ()
    resource = entry.get("resource")
    return BundleEntryResult(
        status=status,
        location=response.get("location"),
        etag=response.get("etag"),
        last_modified=response.get("lastModified"),
        resource=resource if isinstance(resource, dict) else None,
        issues=issues,
    )


def _id_from_location(location: str | None) -> str | None:
    if not location:
        return None
    parts = urlsplit(location).path.strip("/").split("/")
    if "_history" in parts:
        parts = parts[: parts.index("_history")]
    return parts[-1] if len(parts) >= 2 else None


def _parse_instant(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise MalformedResponse("meta.lastUpdated is not an instant") from exc
    if parsed.tzinfo is None:
        raise MalformedResponse("meta.lastUpdated has no time zone")
    return parsed.astimezone(UTC)


def _retry_after_s(value: str | None) -> float | None:
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _issues(outcome: Mapping[str, Any]) -> tuple[OutcomeIssue, ...]:
    issues: list[OutcomeIssue] = []
    for issue in outcome.get("issue") or []:
        if not isinstance(issue, dict):
            continue
        details = issue.get("details")
        expression = issue.get("expression") or issue.get("location") or []
        issues.append(
            OutcomeIssue(
                severity=str(issue.get("severity", "")),
                code=str(issue.get("code", "")),
                diagnostics=issue.get("diagnostics")
                if isinstance(issue.get("diagnostics"), str)
                else None,
                details_text=details.get("text") if isinstance(details, dict) else None,
                expression=tuple(str(e) for e in expression if isinstance(e, str)),
            )
        )
    return tuple(issues)


def _status_error(response: httpx.Response) -> HttpStatusError:
    status = response.status_code
    issues: tuple[OutcomeIssue, ...] = ()
    try:
        data = fhirjson.loads(response.content) if response.content else None
    except fhirjson.FhirJsonError:
        data = None
    if isinstance(data, dict) and data.get("resourceType") == "OperationOutcome":
        issues = _issues(data)
    method = response.request.method
    path = response.request.url.path
    summary = next(
        (i.diagnostics or i.details_text for i in issues if i.diagnostics or i.details_text), None
    )
    message = f"{method} {path} -> HTTP {status}" + (f": {summary}" if summary else "")
    kwargs: dict[str, Any] = {
        "status": status,
        "issues": issues,
        "method": method,
        "url": str(response.request.url),
    }
    if status == 429:
        return RateLimited(
            message, retry_after_s=_retry_after_s(response.headers.get("Retry-After")), **kwargs
        )
    specific: dict[int, type[HttpStatusError]] = {
        401: Unauthorized,
        403: Forbidden,
        404: NotFound,
        409: Conflict,
        410: Gone,
        412: PreconditionFailed,
    }
    if status in specific:
        return specific[status](message, **kwargs)
    if status >= 500:
        return ServerError(message, **kwargs)
    return ClientError(message, **kwargs)


def _map_transport_error(exc: httpx.HTTPError) -> TransportError:
    if _is_tls_failure(exc):
        return TlsError(f"TLS failure: {_first_line(exc)}", request_sent=False)
    if isinstance(exc, httpx.ConnectTimeout):
        return Timeout(f"connect timed out: {_first_line(exc)}", request_sent=False)
    if isinstance(exc, httpx.PoolTimeout):
        return Timeout("no free connection in the pool", request_sent=False)
    if isinstance(exc, httpx.TimeoutException):
        return Timeout(f"{type(exc).__name__}: {_first_line(exc)}", request_sent=True)
    if isinstance(exc, httpx.ConnectError):
        return ConnectionFailed(f"cannot connect: {_first_line(exc)}", request_sent=False)
    if isinstance(exc, httpx.TransportError):
        return ConnectionFailed(f"{type(exc).__name__}: {_first_line(exc)}", request_sent=True)
    return ConnectionFailed(f"{type(exc).__name__}: {_first_line(exc)}", request_sent=True)


def _is_tls_failure(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLError):
            return True
        text = str(current)
        if "CERTIFICATE_VERIFY_FAILED" in text or "[SSL" in text:
            return True
        current = current.__cause__ or current.__context__
    return False


def _first_line(exc: BaseException) -> str:
    text = str(exc)
    return text.splitlines()[0] if text else type(exc).__name__


async def _file_chunks(path: Path) -> AsyncIterator[bytes]:
    handle = await asyncio.to_thread(path.open, "rb")
    try:
        while True:
            chunk = await asyncio.to_thread(handle.read, _CHUNK_BYTES)
            if not chunk:
                return
            yield chunk
    finally:
        await asyncio.to_thread(handle.close)
