"""Update check against a configurable feed. It only informs: nothing is downloaded or installed
without the user's explicit consent (the UI opens the download page when the user asks).

Feed format (JSON): ``{"version": "0.2.0", "url": "https://...", "notes": "..."}``.
Thread affinity: core loop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import httpx

from app import __version__


class UpdateCheckError(Exception):
    """The feed could not be read or is not valid; the message is for the user."""


@dataclass(frozen=True, slots=True)
class UpdateInfo:
    current: str
    latest: str
    url: str
    notes: str

    @property
    def available(self) -> bool:
        return parse_version(self.latest) > parse_version(self.current)


_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


def parse_version(text: str) -> tuple[int, int, int]:
    """``MAJOR.MINOR.PATCH`` -> tuple; raises :class:`UpdateCheckError` otherwise."""
    m = _VERSION.match(text.strip())
    if not m:
        raise UpdateCheckError(f"not a version number: {text[:40]!r}")
    return int(m[1]), int(m[2]), int(m[3])


async def check_for_update(
    feed_url: str,
    *,
    current: str = __version__,
    ca_bundle: str | None = None,
    timeout_s: float = 10.0,
) -> UpdateInfo:
    """Fetch the feed and compare versions. Only https feeds, except on loopback."""
    if not (feed_url.startswith("https://") or feed_url.startswith("http://127.0.0.1")):
        raise UpdateCheckError("the update feed must be an https address")
    try:
        async with httpx.AsyncClient(timeout=timeout_s, verify=ca_bundle or True) as client:
            response = await client.get(feed_url)
            response.raise_for_status()
            body = response.json()
    except httpx.HTTPError as exc:
        raise UpdateCheckError(f"update feed not reachable ({type(exc).__name__})") from exc
    except ValueError as exc:
        raise UpdateCheckError("update feed is not valid JSON") from exc
    if not isinstance(body, dict) or not isinstance(body.get("version"), str):
        raise UpdateCheckError("update feed has no version")
    url = body.get("url")
    if not isinstance(url, str) or not url.startswith(("https://", "http://127.0.0.1")):
        raise UpdateCheckError("update feed has no valid download address")
    parse_version(body["version"])
    notes = body.get("notes") if isinstance(body.get("notes"), str) else ""
    return UpdateInfo(current=current, latest=body["version"], url=url, notes=str(notes)[:2000])
