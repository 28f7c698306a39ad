"""A clinician whose keyring lost the key of their offline store opens it again with the recovery
key, from the Sync page: real SQLCipher vault, real gnome-keyring, real session and sync service.
A wrong key is refused with a clear message and changes nothing; the right one restores the key,
opens the store with the work it held, and the recovery is in the audit trail."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.config import Settings
from app.domain.audit import AuditAction, AuditEntry
from app.session.errors import SessionError
from app.session.offline import Identity
from app.workstation import Workstation
from offline_cache.keys import SecretStore, format_recovery_key
from offline_cache.vault import Vault, VaultId
from tests.fixtures.secret_service import SecretServiceSession
from tests.ui.workstation_context import workstation_context
from tests.unit.offline_cache.units import measurement_unit
from ui.context import UiContext
from ui.pages.sync import SyncPage

pytestmark = pytest.mark.integration

NURSE = Identity("prac-ifec-colombo", "Marco Colombo", "https://login.example")
PIN = "nurse-pin-1"


@pytest.fixture
def ctx(qapp, secret_service: SecretServiceSession) -> Iterator[UiContext]:
    # Nothing listens there: the outbox keeps its items (offline), which is what we check.
    with workstation_context(Settings(backend_url="http://127.0.0.1:9")) as ctx:
        yield ctx


def _run(ws: Workstation, coro: object, timeout: float = 30) -> object:
    return ws.runtime.submit(coro).result(timeout)  # type: ignore[arg-type]


def _active_vault(ws: Workstation) -> Vault | None:
    return ws.sync.vault if ws.sync is not None else None


def test_lost_keyring_entry_is_restored_with_the_recovery_key(ctx: UiContext, qtbot) -> None:
    ws = ctx.workstation
    assert ws.session is not None and ws.sync is not None
    with pytest.raises(SessionError, match="sign in first"):
        _run(ws, ws.recover_offline_store("ABCD"))  # nobody's store to open
    _run(ws, ws.session.offline.enroll(NURSE, PIN))
    _run(ws, ws.session.unlock_offline(NURSE.subject, PIN))  # first use: the store is created
    recovery_key = ws.sync.take_recovery_key()
    assert recovery_key is not None
    vault = _active_vault(ws)
    assert vault is not None
    _run(ws, vault.outbox.enqueue(measurement_unit(identifier=f"m-{os.urandom(4).hex()}")))
    _run(ws, ws.session.sign_out())

    # The keyring loses the entry (reinstall, password reset...); the store file stays.
    account = VaultId(tenant=ws.settings.tenant, user=NURSE.subject).account
    SecretStore().delete(account)
    assert SecretStore().load(account) is None
    _run(ws, ws.session.unlock_offline(NURSE.subject, PIN))
    assert _active_vault(ws) is None and ws.sync.recoverable
    assert "recovery key" in ws.sync.problem

    page = SyncPage(ctx)
    qtbot.addWidget(page)
    page.show()
    box = page.restore_box
    assert box.isVisible() and page.notice.isVisible()
    assert page.notice.text().startswith("The system keyring no longer holds the key")
    assert page.notice.toolTip() == ws.sync.problem  # the core's words, for the help desk
    assert not box.open_button.isEnabled()  # nothing typed yet

    # A well-formed key of another store: refused, nothing written to the keyring.
    QTest.keyClicks(box.key_edit, format_recovery_key(os.urandom(32)))
    QTest.keyClick(box.key_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not box.busy, timeout=20_000)
    assert box.status.text().startswith("This is not the recovery key of your offline data")
    assert SecretStore().load(account) is None
    assert _active_vault(ws) is None and box.isVisible()

    # The right key (typed in lower case, without dashes): the store opens with its work.
    box.key_edit.clear()
    QTest.keyClicks(box.key_edit, recovery_key.replace("-", "").lower())
    with qtbot.waitSignal(box.restored, timeout=30_000):
        box.open_button.click()
    assert not box.isVisible()
    assert SecretStore().load(account) is not None
    reopened = _active_vault(ws)
    assert reopened is not None
    assert ws.session.vault_for(NURSE.subject).vault is reopened  # type: ignore[attr-defined]
    waiting = _run(ws, reopened.outbox.units(state="pending"))
    # The measurement saved before the key was lost is still there (next to audit records).
    assert [u.kind for u in waiting].count("measurement") == 1  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: not page.notice.isVisible(), timeout=10_000)
    assert page.sync_now_button.isEnabled()

    async def actions() -> list[AuditAction]:
        return [AuditEntry.from_json(r.entry_json).action for r in await reopened.audit.entries()]

    assert _run(ws, actions())[-1] is AuditAction.KEY_RECOVERY

    # Next sign-in: the keyring has the key again, no recovery needed.
    _run(ws, ws.session.sign_out())
    _run(ws, ws.session.unlock_offline(NURSE.subject, PIN))
    assert _active_vault(ws) is not None and not ws.sync.recoverable
