"""A stand-in for the clinician's audit trail in UI tests (the real trail is tested over a real
vault in tests/integration/login): it keeps what the pages record."""

from __future__ import annotations

from app.domain.audit import AuditAction
from ui.context import UiContext


class RecordedActs:
    """Stands in for the clinician's audit trail (the real one is tested over a real vault in
    tests/integration/login): keeps what the pages record."""

    def __init__(self) -> None:
        self.acts: list[tuple[AuditAction, str | None, str | None]] = []

    async def record(
        self, action: AuditAction, *, patient_id: str | None = None, what: str | None = None
    ) -> int:
        self.acts.append((action, patient_id, what))
        return len(self.acts)


def record_acts(ctx: UiContext) -> RecordedActs:
    """Make ``ctx``'s session keep its audited acts in a :class:`RecordedActs`, returned."""
    acts = RecordedActs()
    assert ctx.workstation.session is not None
    ctx.workstation.session.audit = acts  # type: ignore[assignment]
    return acts
