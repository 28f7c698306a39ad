"""Count what reached the server, by identifier (the exactly-once check)."""

from __future__ import annotations

from app.backend.client import FhirClient
from tests.unit.offline_cache.units import OBS_SYSTEM


async def observation_copies(client: FhirClient, identifiers: list[str]) -> dict[str, int]:
    """How many Observations the server holds for each identifier."""
    counts: dict[str, int] = {}
    for ident in identifiers:
        found = await client.search("Observation", {"identifier": f"{OBS_SYSTEM}|{ident}"})
        counts[ident] = len(found.matches)
    return counts
