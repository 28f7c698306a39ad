"""The test's browser for the login flow: follows redirects and submits the provider's forms.

It does what a person does in the system browser: opens the authorization URL, types a login and
password into the provider's sign-in form, presses "Continue" on the consent page, and lets the
browser follow the final redirect to the app's loopback address. ``deliver=False`` stops before
that last request and returns the redirect URL instead (to replay a code).
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin

import httpx

MAX_STEPS = 20


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append((a.get("action", ""), {}))
        elif tag == "input" and self.forms and a.get("name"):
            self.forms[-1][1][a["name"]] = a.get("value", "")


class HeadlessBrowser:
    """One browser profile (cookie jar) driving the provider's pages with httpx."""

    def __init__(self, *, login: str, password: str = "any-password") -> None:
        self.login = login
        self.password = password
        self.http = httpx.AsyncClient(timeout=10.0, follow_redirects=False)
        self.pages_seen: list[str] = []

    async def aclose(self) -> None:
        await self.http.aclose()

    async def open(self, url: str, *, deliver: bool = True) -> str:
        """Walk from ``url`` to the redirect to 127.0.0.1 loopback; returns that URL."""
        response = await self.http.get(url)
        for _ in range(MAX_STEPS):
            if response.is_redirect:
                target = urljoin(str(response.url), response.headers["location"])
                if "/callback" in target and target.startswith("http://127.0.0.1:"):
                    if deliver:
                        await self.http.get(target)
                    return target
                response = await self.http.get(target)
                continue
            if response.status_code != 200:
                raise AssertionError(f"provider page HTTP {response.status_code}")
            parser = _Forms()
            parser.feed(response.text)
            if not parser.forms:
                raise AssertionError("provider page without a form")
            action, fields = parser.forms[0]
            self.pages_seen.append(fields.get("prompt", "?"))
            if fields.get("prompt") == "login":
                fields.update(login=self.login, password=self.password)
            response = await self.http.post(urljoin(str(response.url), action), data=fields)
        raise AssertionError("too many steps in the login flow")

    async def __call__(self, url: str) -> None:
        """A :data:`app.session.oidc.BrowserOpener`."""
        await self.open(url)
