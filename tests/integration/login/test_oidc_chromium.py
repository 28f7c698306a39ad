"""The login with a real browser: headless Debian Chromium (driven by Playwright, never
installed by it) goes through npm oidc-provider's pages and lands on the app's loopback
redirect, exactly as the system browser does for a clinician."""

from __future__ import annotations

from typing import Any

import pytest

from app.session.oidc import OidcClient, OidcConfig
from tests.integration.login.conftest import CLIENT_ID
from tests.integration.video.peers import patient_browser

pytestmark = [pytest.mark.integration, pytest.mark.chromium]


async def test_login_through_chromium(issuer: str) -> None:
    async with patient_browser() as page:
        seen: dict[str, Any] = {}

        async def chromium(url: str) -> None:
            await page.goto(url)
            await page.fill('input[name="login"]', "prac-card-romano")
            await page.fill('input[name="password"]', "any-password")
            await page.click('button[type="submit"]')
            await page.wait_for_selector('input[name="prompt"][value="consent"]', state="attached")
            await page.click('button[type="submit"]')
            await page.wait_for_url("http://127.0.0.1:*/callback?*")
            seen["final"] = await page.inner_text("body")

        client = OidcClient(OidcConfig(issuer=issuer, client_id=CLIENT_ID, login_timeout_s=60))
        try:
            tokens = await client.login(chromium)
        finally:
            await client.aclose()
    assert tokens.subject == "prac-card-romano" and tokens.refresh_token
    assert "Accesso completato" in seen["final"]
