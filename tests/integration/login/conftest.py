"""Login integration fixtures: the real npm ``oidc-provider`` on loopback, a real Secret Service."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest

from tests.fixtures.secret_service import secret_service as secret_service  # noqa: F401
from tests.integration.contract.servers import REPO_ROOT, node_server

OIDC_DIR = REPO_ROOT / "tests" / "oidc"
CLIENT_ID = "telemed-workstation"


@contextmanager
def oidc_provider(
    *, access_ttl_s: int = 600, id_ttl_s: int = 600, timeout_s: float = 30.0
) -> Iterator[str]:
    """Run tests/oidc/server.mjs; yields the issuer URL (needs installers/setup.d/35-oidc.sh)."""
    if not (OIDC_DIR / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("tests/oidc/node_modules is missing: run installers/setup.d/35-oidc.sh")
    args = [
        "--host", "127.0.0.1", "--port", "0",
        "--access-ttl", str(access_ttl_s), "--id-ttl", str(id_ttl_s),
    ]  # fmt: skip
    with node_server(
        "oidc-provider", cwd=OIDC_DIR, args=args, env={"PATH": "/usr/bin:/bin"}, timeout_s=timeout_s
    ) as (issuer, _):
        yield issuer


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    """One provider per test module (default lifetimes)."""
    with oidc_provider() as url:
        yield url


@pytest.fixture
def provider_factory() -> Callable[..., AbstractContextManager[str]]:
    return oidc_provider
