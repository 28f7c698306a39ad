"""regional_sim's demo OpenID provider (a real process) with the workstation's own OIDC client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from app.session.demo import demo_browser
from app.session.errors import AuthorizationDenied, ReauthenticationRequired, TokenRejected
from app.session.manager import oidc_config_for
from app.session.oidc import OidcClient
from tests.integration.demo_sim import sim as sim  # one demo regional_sim per module
from tests.integration.regional_sim_process import RunningSim

pytestmark = pytest.mark.integration


@pytest.fixture
async def client(sim: RunningSim) -> AsyncIterator[OidcClient]:
    c = OidcClient(oidc_config_for(sim.url))
    yield c
    await c.aclose()


async def test_demo_login_without_human_input(sim: RunningSim, client: OidcClient) -> None:
    tokens = await client.login(demo_browser("prac-ifec-colombo"))
    assert tokens.subject == "prac-ifec-colombo"
    assert tokens.display_name == "Marco Colombo"
    async with httpx.AsyncClient(timeout=10) as http:
        me = await http.get(
            f"{sim.url}/login/userinfo", headers={"Authorization": f"Bearer {tokens.access_token}"}
        )
    assert me.json() == {"sub": "prac-ifec-colombo", "name": "Marco Colombo"}
    fresh = await client.refresh(tokens)
    assert fresh.access_token != tokens.access_token and fresh.subject == tokens.subject
    with pytest.raises(ReauthenticationRequired):
        await client.refresh(tokens)  # rotated: the old refresh token is spent


async def test_choice_page_codes_are_single_use_and_pkce_is_checked(
    sim: RunningSim, client: OidcClient
) -> None:
    request = await client.begin("http://127.0.0.1:9/callback")
    async with httpx.AsyncClient(timeout=10) as http:
        page = await http.get(request.url)
        assert page.status_code == 200
        for name in ("Dott.ssa Laura Bianchi", "Marco Colombo", "Giulia Ferrari", "Romano"):
            assert name in page.text
        answer = await http.get(request.url + "&login_hint=prac-card-romano")
    params = dict(parse_qsl(urlsplit(answer.headers["location"]).query))
    assert params["iss"] == f"{sim.url}/login" and params["state"] == request.state
    assert (await client.complete(request, params)).display_name == "Dott. Alessandro Romano"
    with pytest.raises(TokenRejected) as replay:
        await client.complete(request, params)
    assert replay.value.error == "invalid_grant"

    other = await client.begin("http://127.0.0.1:9/callback")
    async with httpx.AsyncClient(timeout=10) as http:
        answer = await http.get(other.url + "&login_hint=prac-mmg-bianchi")
        code = dict(parse_qsl(urlsplit(answer.headers["location"]).query))["code"]
        wrong = await http.post(
            f"{sim.url}/login/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": other.redirect_uri,
                "client_id": "telemed-workstation",
                "code_verifier": "x" * 50,
            },
        )
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"


async def test_bad_requests_are_refused(sim: RunningSim, client: OidcClient) -> None:
    with pytest.raises(AuthorizationDenied) as denied:
        await client.login(demo_browser("prac-nobody"))
    assert denied.value.error == "access_denied"
    request = await client.begin("http://127.0.0.1:9/callback")
    async with httpx.AsyncClient(timeout=10) as http:
        evil = await http.get(
            request.url.replace("127.0.0.1%3A9", "evil.example") + "&login_hint=prac-mmg-bianchi"
        )
        assert evil.status_code == 400 and "location" not in evil.headers
        no_pkce = await http.get(
            request.url.replace("code_challenge_method=S256", "code_challenge_method=plain")
            + "&login_hint=prac-mmg-bianchi"
        )
    assert "error=invalid_request" in no_pkce.headers["location"]
