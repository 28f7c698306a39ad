"""aiohttp handlers of the FHIR REST API at ``/fhir``.

Handlers run on the event loop and delegate every database or validation step
to the store's DB thread (:meth:`FhirStore.call`).
"""

from __future__ import annotations

import base64
import logging
import time
from email.utils import formatdate
from typing import Any

from aiohttp import web

from . import fhirjson
from .errors import FhirError
from .search_params import RESOURCE_TYPES
from .store import FhirStore, Stored
from .validation import ID_RE

__all__ = ["FHIR_JSON", "STORE_KEY", "add_fhir_routes", "fhir_error_middleware"]

FHIR_JSON = "application/fhir+json"
STORE_KEY: web.AppKey[FhirStore] = web.AppKey("fhir_store", FhirStore)
_log = logging.getLogger(__name__)
_JSON_TYPES = ("application/fhir+json", "application/json", "application/json+fhir")


def _json_response(
    body: Any, *, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    text = body if isinstance(body, str) else fhirjson.dumps(body)
    return web.Response(
        text=text, status=status, content_type=FHIR_JSON, charset="utf-8", headers=headers
    )


def _base(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}/fhir"


def _store(request: web.Request) -> FhirStore:
    return request.app[STORE_KEY]


def _check_type(rtype: str) -> None:
    if rtype not in RESOURCE_TYPES:
        raise FhirError(404, "not-supported", f"resource type {rtype!r} is not supported")


def _check_id(rid: str) -> None:
    if not ID_RE.match(rid):
        raise FhirError(400, "invalid", "malformed resource id")


async def _read_json(request: web.Request) -> Any:
    ctype = request.content_type
    if ctype not in _JSON_TYPES:
        raise FhirError(415, "not-supported", f"unsupported Content-Type {ctype!r}")
    raw = await request.read()
    try:
        return fhirjson.loads(raw)
    except ValueError as exc:
        raise FhirError(400, "structure", f"body is not valid JSON: {exc}") from exc


def _stored_response(request: web.Request, stored: Stored, status: int) -> web.Response:
    headers = {
        "ETag": stored.etag,
        "Last-Modified": formatdate(stored.last_updated_us / 1_000_000, usegmt=True),
    }
    if status == 201 or request.method in ("POST", "PUT"):
        headers["Location"] = f"{_base(request)}/{stored.location}"
    prefer = request.headers.get("Prefer", "")
    if "return=minimal" in prefer:
        return web.Response(status=status, headers=headers)
    if "return=OperationOutcome" in prefer:
        outcome = {
            "resourceType": "OperationOutcome",
            "issue": [{"severity": "information", "code": "informational", "diagnostics": "ok"}],
        }
        return _json_response(outcome, status=status, headers=headers)
    return _json_response(stored.content, status=status, headers=headers)


def _wants_fhir(request: web.Request) -> bool:
    fmt = request.query.get("_format", "")
    if "json" in fmt:
        return True
    accept = request.headers.get("Accept", "")
    return any(t in accept for t in _JSON_TYPES)


async def metadata(request: web.Request) -> web.Response:
    """``GET /fhir/metadata``: a minimal CapabilityStatement."""
    from .search_params import SEARCH_PARAMS

    resources = [
        {
            "type": rtype,
            "interaction": [
                {"code": c} for c in ("read", "vread", "create", "update", "search-type")
            ],
            "versioning": "versioned",
            "conditionalCreate": True,
            "conditionalUpdate": True,
            "searchParam": [
                {"name": name, "type": "uri" if p.kind == "uri" else p.kind}
                for name, p in sorted(SEARCH_PARAMS[rtype].items())
            ],
        }
        for rtype in RESOURCE_TYPES
    ]
    body = {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": time.strftime("%Y-%m-%d"),
        "kind": "instance",
        "software": {"name": "regional_sim"},
        "fhirVersion": "4.0.1",
        "format": ["json"],
        "rest": [
            {
                "mode": "server",
                "resource": resources,
                "interaction": [{"code": "transaction"}, {"code": "batch"}],
            }
        ],
    }
    return _json_response(body)


async def search(request: web.Request) -> web.Response:
    """``GET /fhir/{type}`` and ``POST /fhir/{type}/_search``."""
    rtype = request.match_info["rtype"]
    _check_type(rtype)
    params = list(request.query.items())
    if request.method == "POST":
        form = await request.post()
        params += [(k, str(v)) for k, v in form.items()]
    lenient = "handling=lenient" in request.headers.get("Prefer", "")
    store = _store(request)
    bundle = await store.call(store.search_sync, rtype, params, _base(request), lenient)
    return _json_response(bundle)


async def create(request: web.Request) -> web.Response:
    """``POST /fhir/{type}`` with optional ``If-None-Exist``."""
    rtype = request.match_info["rtype"]
    _check_type(rtype)
    store = _store(request)
    if rtype == "Binary" and request.content_type not in _JSON_TYPES:
        raise FhirError(
            405, "not-supported", "POST of raw Binary is not supported: PUT with a client id"
        )
    body = await _read_json(request)
    status, stored = await store.call(
        store.create_sync, rtype, body, request.headers.get("If-None-Exist")
    )
    return _stored_response(request, stored, status)


async def update(request: web.Request) -> web.Response:
    """``PUT /fhir/{type}/{id}`` with optional ``If-Match``; raw bytes allowed for Binary."""
    rtype, rid = request.match_info["rtype"], request.match_info["rid"]
    _check_type(rtype)
    _check_id(rid)
    store = _store(request)
    if rtype == "Binary" and request.content_type not in _JSON_TYPES:
        data = await request.read()
        body: Any = store.binary_from_bytes(rid, request.content_type, data)
    else:
        body = await _read_json(request)
    status, stored = await store.call(
        store.update_sync, rtype, rid, body, request.headers.get("If-Match")
    )
    return _stored_response(request, stored, status)


async def conditional_update(request: web.Request) -> web.Response:
    """``PUT /fhir/{type}?criteria``."""
    rtype = request.match_info["rtype"]
    _check_type(rtype)
    if not request.query_string:
        raise FhirError(400, "invalid", "PUT needs an id or search criteria")
    store = _store(request)
    body = await _read_json(request)
    status, stored = await store.call(
        store.conditional_update_sync,
        rtype,
        request.query_string,
        body,
        request.headers.get("If-Match"),
    )
    return _stored_response(request, stored, status)


async def read(request: web.Request) -> web.Response:
    """``GET /fhir/{type}/{id}``; Binary returns raw bytes unless FHIR JSON is accepted."""
    rtype, rid = request.match_info["rtype"], request.match_info["rid"]
    _check_type(rtype)
    _check_id(rid)
    store = _store(request)
    stored = await store.call(store.read_sync, rtype, rid)
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match and stored.etag in [tag.strip() for tag in if_none_match.split(",")]:
        return web.Response(status=304, headers={"ETag": stored.etag})
    if rtype == "Binary" and not _wants_fhir(request):
        resource = stored.resource()
        data = base64.b64decode(resource.get("data", ""))
        return web.Response(
            body=data,
            content_type=str(resource.get("contentType", "application/octet-stream")),
            headers={"ETag": stored.etag},
        )
    return _stored_response(request, stored, 200)


async def vread(request: web.Request) -> web.Response:
    """``GET /fhir/{type}/{id}/_history/{vid}``."""
    rtype, rid = request.match_info["rtype"], request.match_info["rid"]
    _check_type(rtype)
    store = _store(request)
    stored = await store.call(store.vread_sync, rtype, rid, request.match_info["vid"])
    return _stored_response(request, stored, 200)


async def bundle(request: web.Request) -> web.Response:
    """``POST /fhir`` with a transaction or batch Bundle."""
    store = _store(request)
    body = await _read_json(request)
    result = await store.call(store.bundle_sync, body, _base(request))
    return _json_response(result)


async def not_supported(request: web.Request) -> web.Response:
    """Any other method on a FHIR path."""
    raise FhirError(405, "not-supported", f"{request.method} is not supported here")


@web.middleware
async def fhir_error_middleware(request: web.Request, handler: Any) -> web.StreamResponse:
    """Render FhirError (and unexpected failures under /fhir) as OperationOutcome."""
    try:
        response: web.StreamResponse = await handler(request)
        return response
    except FhirError as exc:
        return _json_response(exc.outcome(), status=exc.status)
    except web.HTTPException as exc:
        if not request.path.startswith("/fhir"):
            raise
        code = "not-found" if exc.status == 404 else "processing"
        if exc.status == 413:
            code = "too-long"
        err = FhirError(exc.status, code, exc.reason)
        return _json_response(err.outcome(), status=exc.status)
    except Exception:
        _log.exception("unexpected error handling a FHIR request")
        err = FhirError(500, "exception", "internal server error")
        return _json_response(err.outcome(), status=500)


def add_fhir_routes(app: web.Application) -> None:
    """Register the FHIR routes under ``/fhir``."""
    app.router.add_get("/fhir/metadata", metadata)
    app.router.add_post("/fhir", bundle)
    app.router.add_post("/fhir/", bundle)
    app.router.add_get("/fhir/{rtype}", search)
    app.router.add_post("/fhir/{rtype}/_search", search)
    app.router.add_post("/fhir/{rtype}", create)
    app.router.add_put("/fhir/{rtype}", conditional_update)
    app.router.add_get("/fhir/{rtype}/{rid}", read)
    app.router.add_put("/fhir/{rtype}/{rid}", update)
    app.router.add_get("/fhir/{rtype}/{rid}/_history/{vid}", vread)
    app.router.add_route("*", "/fhir/{tail:.*}", not_supported)
