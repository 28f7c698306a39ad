from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from app.services.updates import UpdateCheckError, check_for_update, parse_version


@pytest.fixture
async def feed() -> AsyncIterator[tuple[str, dict[str, object]]]:
    state: dict[str, object] = {"body": {"version": "0.2.0", "url": "https://example.invalid/dl"}}

    async def handler(request: web.Request) -> web.Response:
        body = state["body"]
        text = body if isinstance(body, str) else json.dumps(body)
        return web.Response(text=text, content_type="application/json")

    app = web.Application()
    app.router.add_get("/feed.json", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}/feed.json", state
    await runner.cleanup()


async def test_newer_version_is_reported_not_installed(feed) -> None:
    url, _ = feed
    info = await check_for_update(url, current="0.1.0")
    assert info.available and info.latest == "0.2.0" and info.url == "https://example.invalid/dl"
    same = await check_for_update(url, current="0.2.0")
    assert not same.available


async def test_bad_feeds_give_clear_errors(feed) -> None:
    url, state = feed
    state["body"] = "<html>captive portal</html>"
    with pytest.raises(UpdateCheckError, match="not valid JSON"):
        await check_for_update(url)
    state["body"] = {"version": "latest", "url": "https://x.invalid"}
    with pytest.raises(UpdateCheckError, match="not a version"):
        await check_for_update(url)
    state["body"] = {"version": "9.9.9", "url": "ftp://x.invalid"}
    with pytest.raises(UpdateCheckError, match="download address"):
        await check_for_update(url)
    with pytest.raises(UpdateCheckError, match="https"):
        await check_for_update("http://updates.example.invalid/feed.json")


def test_version_order() -> None:
    assert parse_version("0.10.0") > parse_version("0.9.9")
