"""Application factory of the reference regional backend."""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web

from .config import SimConfig
from .http_fhir import STORE_KEY, add_fhir_routes, fhir_error_middleware
from .ice import CONFIG_KEY, add_ice_routes
from .login import add_login_routes
from .store import FhirStore
from .validation import warm_up

__all__ = ["create_app"]

_SEED_MARKER = "seed:demo"


async def health(request: web.Request) -> web.Response:
    """``GET /health``: liveness plus resource count."""
    store = request.app[STORE_KEY]
    count = await store.call(store.count_sync)
    return web.json_response({"status": "ok", "fhirVersion": "4.0.1", "resources": count})


def _maybe_add_rtc(app: web.Application) -> None:
    # The signaling WebSocket and patient join page live in regional_sim.rtc,
    # owned by the video work; mount them only if that package exists.
    if importlib.util.find_spec(f"{__package__}.rtc") is None:
        return
    module: Any = importlib.import_module(f"{__package__}.rtc")
    add_rtc_routes = getattr(module, "add_rtc_routes", None)
    if callable(add_rtc_routes):
        add_rtc_routes(app)


def create_app(config: SimConfig) -> web.Application:
    """Build the aiohttp application (FHIR API, ICE servers, health, optional RTC routes).

    The store opens (and demo data is seeded into a new database) in the
    application's cleanup context, i.e. when the app starts on its event loop;
    it closes on shutdown.
    """
    app = web.Application(
        middlewares=[fhir_error_middleware], client_max_size=config.max_request_bytes
    )
    store = FhirStore(
        config.db_path,
        strict_codice_fiscale=config.strict_codice_fiscale,
        default_page_size=config.default_page_size,
        max_page_size=config.max_page_size,
    )
    app[STORE_KEY] = store
    app[CONFIG_KEY] = config

    async def lifecycle(_app: web.Application) -> AsyncIterator[None]:
        await store.open()
        if config.seed == "demo":
            await store.call(_seed_if_new, store)
        # Load the validation models after start-up, off the event loop.
        warming = asyncio.get_running_loop().run_in_executor(None, warm_up)
        yield
        await warming
        await store.close()

    app.cleanup_ctx.append(lifecycle)
    app.router.add_get("/health", health)
    add_ice_routes(app)
    add_fhir_routes(app)
    add_login_routes(app)
    _maybe_add_rtc(app)
    return app


def _seed_if_new(store: FhirStore) -> None:
    """Load demo data once per database; add today's worklist on later days (DB thread)."""
    from .seed import build_demo_seed, build_todays_appointments, italian_today

    if store.kv_get_sync(_SEED_MARKER) is not None:
        # A demo database kept across days still shows a worklist for today.
        store.insert_missing_sync(build_todays_appointments(italian_today()))
        return
    # An existing database is never reseeded, even if it was created without a seed.
    if store.count_sync() > 0:
        return
    store.bulk_load_sync(build_demo_seed(), marker=_SEED_MARKER)
