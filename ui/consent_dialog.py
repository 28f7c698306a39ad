"""Before a televisit: capture the consents the patient has not given yet (issue 5).

:func:`ensure_televisit_consents` asks the core :class:`~app.services.consent_gate.ConsentGate`
which consents are missing; with none it proceeds at once, otherwise it opens
:class:`ConsentDialog`, where the clinician confirms each consent the patient gives now. Only
when every required consent is recorded does the visit proceed; cancelling stops it.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.workflows import ConsentKind
from app.services.consent_gate import ConsentGate
from app.workstation import Workstation
from ui.clinical import clinical_services
from ui.context import UiContext

_GATES: weakref.WeakKeyDictionary[Workstation, ConsentGate] = weakref.WeakKeyDictionary()


def consent_gate(ctx: UiContext) -> ConsentGate:
    """The workstation's consent gate (one per process, following the clinical services)."""
    gate = _GATES.get(ctx.workstation)
    if gate is None:
        session = ctx.workstation.session
        gate = ConsentGate(
            lambda: clinical_services(ctx).patients,
            audit=lambda: session.audit.record if session and session.audit else None,
        )
        _GATES[ctx.workstation] = gate
    return gate


def _label(kind: ConsentKind) -> str:
    if kind is ConsentKind.INFORMED:
        return QCoreApplication.translate(
            "ConsentDialog", "The patient gives informed consent to the medical act"
        )
    return QCoreApplication.translate(
        "ConsentDialog", "The patient consents to receiving care by telemedicine"
    )


class ConsentDialog(QDialog):
    """One checkbox per missing consent; "Record" is enabled when all are ticked."""

    def __init__(
        self,
        ctx: UiContext,
        *,
        patient_id: str,
        missing: tuple[ConsentKind, ...],
        on_recorded: Callable[[], None],
        parent: QWidget | None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("consentDialog")
        self.ctx = ctx
        self._patient_id = patient_id
        self._missing = missing
        self._on_recorded = on_recorded
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.boxes: dict[ConsentKind, QCheckBox] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        for kind in missing:
            box = QCheckBox(self)
            box.setObjectName(f"consent_{kind.value}")
            box.toggled.connect(self._update)
            self.boxes[kind] = box
            layout.addWidget(box)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.record_button = QPushButton(self)
        self.record_button.setObjectName("recordConsentsAndStart")
        self.buttons.addButton(self.record_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self._record)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.retranslate()
        self._update()

    def _update(self) -> None:
        self.record_button.setEnabled(all(b.isChecked() for b in self.boxes.values()))

    def _record(self) -> None:
        if not all(b.isChecked() for b in self.boxes.values()):
            return
        self.record_button.setEnabled(False)
        practitioner = self.ctx.workstation.practitioner_reference or ""
        gate = consent_gate(self.ctx)

        def failed(error: BaseException) -> None:
            self._update()
            text = self.tr("The consents could not be recorded: %1").replace("%1", str(error))
            self.message.setText(text)
            self.message.setAccessibleName(text)

        def done(_: object) -> None:
            self.accept()
            self._on_recorded()

        self.ctx.bridge.submit(
            gate.record(self._patient_id, self._missing, practitioner_ref=practitioner),
            name=self.tr("Record consents"),
            on_success=done,
            on_error=failed,
        )

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Consents for the televisit"))
        self.intro.setText(
            self.tr(
                "A televisit needs both consents on record. Ask the patient, then tick what "
                "they give now; the consents are recorded for the patient."
            )
        )
        for kind, box in self.boxes.items():
            box.setText(_label(kind))
            box.setAccessibleName(_label(kind))
        self.record_button.setText(self.tr("&Record and start"))
        self.record_button.setAccessibleName(self.tr("Record the consents and start"))
        self.buttons.setAccessibleName(self.tr("Record or cancel"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


def ensure_televisit_consents(
    ctx: UiContext,
    *,
    patient_id: str,
    service: str,
    proceed: Callable[[], None],
    parent: QWidget | None,
    on_error: Callable[[BaseException], None] | None = None,
) -> None:
    """Call ``proceed()`` once the consents ``service`` needs are on record (asking if not)."""

    def decide(missing: tuple[ConsentKind, ...]) -> None:
        if not missing:
            proceed()
            return
        dialog = ConsentDialog(
            ctx, patient_id=patient_id, missing=missing, on_recorded=proceed, parent=parent
        )
        dialog.open()

    ctx.bridge.submit(
        consent_gate(ctx).missing(patient_id, service=service),
        name=QCoreApplication.translate("ConsentDialog", "Check consents"),
        on_success=decide,
        on_error=on_error,
    )
