"""The satisfaction questionnaire, filled with the patient at the end of the visit.

The questions come from the published Questionnaire (their text is the regional, Italian
wording); choice questions are radio-button groups, yes/no questions are radio pairs, free text
is a text box. Missing required answers are pointed out and nothing is sent until they are given.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.workflows import InvalidAnswers, QuestionnaireForm, QuestionType
from app.services.clinical import ClinicalServices
from app.services.questionnaire import Answer
from ui.clinical import BusyRunner
from ui.context import UiContext
from ui.error_text import reason_text


class QuestionnaireDialog(QDialog):
    """Load the questionnaire, collect the answers, send the QuestionnaireResponse."""

    def __init__(
        self,
        ctx: UiContext,
        services: ClinicalServices,
        *,
        patient_id: str,
        encounter_ref: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("questionnaireDialog")
        self.ctx = ctx
        self.services = services
        self.patient_id = patient_id
        self.encounter_ref = encounter_ref
        self.form: QuestionnaireForm | None = None
        self.groups: dict[str, QButtonGroup] = {}
        self.boxes: dict[str, QGroupBox] = {}
        self.texts: dict[str, QPlainTextEdit | QLineEdit | QSpinBox] = {}
        self.sent_unit_id: str | None = None
        self.runner = BusyRunner(ctx, self._update)
        layout = QVBoxLayout(self)
        self.title = QLabel(self)
        self.title.setObjectName("questionnaireTitle")
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        self.body = QWidget(self)
        self.body_layout = QVBoxLayout(self.body)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.body)
        layout.addWidget(scroll, 1)
        self.status = QLabel(self)
        self.status.setObjectName("questionnaireStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.send_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.send_button.setObjectName("sendQuestionnaire")
        self.send_button.setText(self.tr("&Send answers"))
        self.send_button.setAccessibleName(self.tr("Send the answers"))
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(self.tr("Cancel"))
        cancel.setAccessibleName(self.tr("Close without sending"))
        self.status.setAccessibleName(self.tr("Questionnaire status"))
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.send)
        self.buttons.rejected.connect(self.reject)
        self.setWindowTitle(self.tr("Satisfaction questionnaire"))
        self.resize(560, 640)
        self._update()
        self.runner.run(
            services.questionnaires.load(),
            name=self.tr("Loading the questionnaire"),
            on_success=self._on_form,
            on_error=self._on_load_error,
        )

    def _on_load_error(self, exc: BaseException) -> None:
        self.status.setText(
            self.tr("The questionnaire cannot be loaded (%1).").replace("%1", reason_text(exc))
        )

    def _on_form(self, form: QuestionnaireForm) -> None:
        self.form = form
        self.title.setText(form.title)
        self.title.setAccessibleName(form.title)
        for q in form.questions:
            text = q.text + (" *" if q.required else "")
            box = QGroupBox(text, self.body)
            box.setObjectName(f"question_{q.link_id}")
            box.setAccessibleName(q.text)
            self.boxes[q.link_id] = box
            row = QHBoxLayout(box) if q.type is not QuestionType.TEXT else QVBoxLayout(box)
            if q.type in (QuestionType.CHOICE, QuestionType.BOOLEAN):
                group = QButtonGroup(box)
                options = (
                    [(o.display, i) for i, o in enumerate(q.options)]
                    if q.type is QuestionType.CHOICE
                    else [(self.tr("Yes"), 1), (self.tr("No"), 0)]
                )
                for label, ident in options:
                    radio = QRadioButton(label, box)
                    radio.setObjectName(f"answer_{q.link_id}_{ident}")
                    radio.setAccessibleName(f"{q.text}: {label}")
                    group.addButton(radio, ident)
                    row.addWidget(radio)
                self.groups[q.link_id] = group
            elif q.type is QuestionType.INTEGER:
                spin = QSpinBox(box)
                spin.setRange(0, 100)
                spin.setAccessibleName(q.text)
                row.addWidget(spin)
                self.texts[q.link_id] = spin
            else:
                edit: QPlainTextEdit | QLineEdit = (
                    QPlainTextEdit(box) if q.type is QuestionType.TEXT else QLineEdit(box)
                )
                edit.setObjectName(f"answer_{q.link_id}")
                edit.setAccessibleName(q.text)
                if isinstance(edit, QPlainTextEdit):
                    edit.setTabChangesFocus(True)
                    edit.setMaximumHeight(90)
                row.addWidget(edit)
                self.texts[q.link_id] = edit
            self.body_layout.addWidget(box)
        self.body_layout.addStretch(1)
        self.status.setText(self.tr("Fill the answers with the patient; * = required."))
        self._update()

    def answers(self) -> dict[str, Answer]:
        out: dict[str, Answer] = {}
        if self.form is None:
            return out
        for q in self.form.questions:
            if q.link_id in self.groups:
                checked = self.groups[q.link_id].checkedId()
                if checked < 0:
                    continue
                out[q.link_id] = (
                    q.options[checked] if q.type is QuestionType.CHOICE else bool(checked)
                )
            elif q.link_id in self.texts:
                w = self.texts[q.link_id]
                if isinstance(w, QSpinBox):
                    out[q.link_id] = w.value()
                elif isinstance(w, QPlainTextEdit):
                    out[q.link_id] = w.toPlainText()
                else:
                    out[q.link_id] = w.text()
        return out

    def _update(self) -> None:
        self.send_button.setEnabled(
            self.form is not None and self.runner.pending == 0 and self.sent_unit_id is None
        )

    def send(self) -> None:
        if self.form is None:
            return
        for box in self.boxes.values():
            box.setStyleSheet("")
        try:
            unit = self.services.questionnaires.response_unit(
                self.form,
                self.answers(),
                patient_id=self.patient_id,
                author_ref=self.services.practitioner_ref,
                encounter_ref=self.encounter_ref,
            )
        except InvalidAnswers as exc:
            for link_id in exc.link_ids:
                if link_id in self.boxes:
                    self.boxes[link_id].setStyleSheet("QGroupBox{color:#b02a37;}")
            self.status.setText(self.tr("Answer the questions marked in red."))
            first = next((self.boxes[i] for i in exc.link_ids if i in self.boxes), None)
            if first is not None:
                first.setFocus()
            return
        self.runner.run(
            self.services.writer.enqueue(unit),
            name=self.tr("Sending the questionnaire"),
            on_success=lambda _r: self._sent(str(unit.unit_id)),
            on_error=lambda exc: self.status.setText(
                self.tr("Not sent (%1); try again.").replace("%1", reason_text(exc))
            ),
        )

    def _sent(self, unit_id: str) -> None:
        self.sent_unit_id = unit_id
        self.status.setText(self.tr("Thank you: the answers were sent."))
        self._update()
        self.accept()
