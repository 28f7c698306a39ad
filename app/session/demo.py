"""Demo mode: log in through the reference backend's demo provider without a browser.

The demo provider (``regional_sim/login.py``) auto-approves the practitioner named in
``login_hint``. :func:`demo_browser` is a :data:`~app.session.oidc.BrowserOpener` that does what
the browser would: request the authorization URL with that hint and follow the one redirect back
to the app's loopback address. Everything else (PKCE, state, nonce, ID token checks) is the
normal login. Only for demo mode: it refuses redirects anywhere but 127.0.0.1.

Thread affinity: core loop.
"""

from __future__ import annotations

import httpx

from app.session.errors import OidcError
from app.session.oidc import BrowserOpener, tls_context

DEFAULT_DEMO_PRACTITIONER = "prac-mmg-bianchi"


def demo_browser(
    practitioner: str = DEFAULT_DEMO_PRACTITIONER, *, timeout_s: float = 10.0
) -> BrowserOpener:
    """A headless opener that logs in as ``practitioner`` at the demo provider."""

    async def open_url(url: str) -> None:
        sep = "&" if "?" in url else "?"
        async with httpx.AsyncClient(
            timeout=timeout_s, follow_redirects=False, verify=tls_context()
        ) as http:
            try:
                answer = await http.get(f"{url}{sep}{httpx.QueryParams(login_hint=practitioner)}")
                target = answer.headers.get("location", "")
                if answer.status_code != 302 or not target.startswith("http://127.0.0.1:"):
                    raise OidcError(
                        f"the demo login did not redirect back (HTTP {answer.status_code})"
                    )
                await http.get(target)
            except httpx.HTTPError as exc:
                raise OidcError(f"demo login unreachable: {type(exc).__name__}") from exc

    return open_url
