"""Point the app's ``keyring`` calls at a test Secret Service.

``keyring`` picks its backend once per process, so the environment variables set by
``tests.fixtures.secret_service`` do not reach a process that already used the ``fail`` backend;
this switches the cached backend for the duration, then back to the ``fail`` backend that
``tests/conftest.py`` selects.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import keyring
import keyring.backends.fail

from tests.fixtures.secret_service import SecretServiceSession


@contextmanager
def keyring_backend(session: SecretServiceSession) -> Iterator[SecretServiceSession]:
    keyring.set_keyring(session.backend)
    try:
        yield session
    finally:
        # Back to what tests/conftest.py selects for every test: no secret store.
        keyring.set_keyring(keyring.backends.fail.Keyring())
