"""Asesmen: record an assessment (six domains, a score 1-5 and a narrative each; needs,
strengths, recommendations) and read one. Narratives are for social workers only: the services
refuse them to others, and this dialog shows others the scores alone."""

from __future__ import annotations

from datetime import date
from html import escape

from PySide6.QtCore import QDate
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop.domain.enums import AssessmentDomain
from kesos_desktop.i18n import _, format_date
from kesos_desktop.services import assessment
from kesos_desktop.services.counseling_dto import (
    AssessmentInput,
    AssessmentNarratives,
    AssessmentRow,
    StayRef,
)
from kesos_desktop.ui.widgets.form import ERROR_STYLE, date_edit, select_data
from kesos_desktop.ui.widgets.messages import Messages
from kesos_desktop.ui.widgets.saving import OnConflict, in_label, save_form

MUTED = "color: #5f6b66;"


def score_text(score: int | None) -> str:
    if score is None:
        return "-"
    return f"{score} – {assessment.score_meaning(score)}"


def _text_edit(name: str, placeholder: str, height: int = 54) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setObjectName(name)
    edit.setPlaceholderText(placeholder)
    edit.setFixedHeight(height)
    edit.setTabChangesFocus(True)
    return edit


def _error_label(key: str) -> QLabel:
    label = QLabel()
    label.setObjectName(f"error_{key}")
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


class AssessmentDialog(QDialog):
    """A new assessment of one stay, or a correction by its assessor within 24 hours."""

    def __init__(self, ctx, stay: StayRef, existing: AssessmentNarratives | None = None, parent=None):
        super().__init__(parent)
        self.ctx, self.stay, self.existing = ctx, stay, existing
        self.saved: AssessmentRow | None = None
        self._clean = True
        self.setObjectName("assessment_dialog")
        self.setWindowTitle(_("Correct the assessment") if existing else _("New assessment"))
        heading = QLabel(_("Assessment of {name} ({reg_no})").format(name=stay.name, reg_no=stay.reg_no))
        heading.setStyleSheet("font-size: 12pt; font-weight: 600;")
        scale = QLabel(_("Score each domain from 1 (a serious problem) to 5 (a strength). The "
                         "narratives are confidential: only social workers can read them."))
        scale.setWordWrap(True)
        scale.setStyleSheet(MUTED)
        grid = QGridLayout()
        grid.setColumnStretch(2, 1)
        self.assessed_on = date_edit()
        self.assessed_on.setObjectName("assessed_on")
        self.errors: dict[str, QLabel] = {"assessed_on": _error_label("assessed_on")}
        grid.addWidget(QLabel(_("Date of assessment *")), 0, 0)
        grid.addWidget(self.assessed_on, 0, 1)
        grid.addWidget(self.errors["assessed_on"], 0, 2)
        self.scores: dict[AssessmentDomain, QComboBox] = {}
        self.narratives: dict[AssessmentDomain, QPlainTextEdit] = {}
        row = 1
        for domain in AssessmentDomain:
            combo = QComboBox()
            combo.setObjectName(f"score_{domain.value}")
            combo.addItem(_("Choose a score"), None)
            for value in range(1, 6):
                combo.addItem(score_text(value), value)
            narrative = _text_edit(f"narrative_{domain.value}", _("What was found in this domain"))
            key = f"score_{domain.value}"
            self.errors[key] = _error_label(key)
            caption = QLabel(f"<b>{escape(domain.label)}</b> *")
            grid.addWidget(caption, row, 0)
            grid.addWidget(combo, row, 1)
            grid.addWidget(narrative, row, 2, 2, 1)
            grid.addWidget(self.errors[key], row + 1, 0, 1, 2)
            self.scores[domain], self.narratives[domain] = combo, narrative
            row += 2
        self.needs = _text_edit("needs", _("Needs"))
        self.strengths = _text_edit("strengths", _("Strengths"))
        self.recommendations = _text_edit("recommendations", _("Recommendations"))
        for label, edit in ((_("Needs"), self.needs), (_("Strengths"), self.strengths),
                            (_("Recommendations"), self.recommendations)):
            grid.addWidget(QLabel(f"<b>{escape(label)}</b>"), row, 0)
            grid.addWidget(edit, row, 1, 1, 2)
            row += 1
        inner = QWidget()
        inner.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.message = _error_label("form")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(scale)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(920, 660)
        if existing is not None:
            self._fill(existing)
        for combo in self.scores.values():
            combo.currentIndexChanged.connect(self._dirty)
        for edit in (*self.narratives.values(), self.needs, self.strengths, self.recommendations):
            edit.textChanged.connect(self._dirty)

    def _dirty(self, *_args) -> None:
        self._clean = False

    def _fill(self, existing: AssessmentNarratives) -> None:
        row = existing.assessment
        self.assessed_on.setDate(QDate(row.assessed_on.year, row.assessed_on.month, row.assessed_on.day))
        for score in row.scores:
            select_data(self.scores[score.domain], score.score)
        for domain, text in existing.narratives:
            self.narratives[domain].setPlainText(text)
        self.needs.setPlainText(existing.needs or "")
        self.strengths.setPlainText(existing.strengths or "")
        self.recommendations.setPlainText(existing.recommendations or "")

    def data(self) -> AssessmentInput:
        day = self.assessed_on.date()
        return AssessmentInput(
            admission_id=self.stay.admission_id,
            assessed_on=date(day.year(), day.month(), day.day()),
            scores={d: c.currentData() for d, c in self.scores.items() if c.currentData() is not None},
            narratives={d: e.toPlainText() for d, e in self.narratives.items() if e.toPlainText().strip()},
            needs=self.needs.toPlainText(), strengths=self.strengths.toPlainText(),
            recommendations=self.recommendations.toPlainText(),
        )

    def save(self) -> None:
        for label in self.errors.values():
            label.hide()
        self.message.hide()
        db, actor, data = self.ctx.db, self.ctx.actor, self.data()
        if self.existing is None:
            result = save_form(self, lambda: assessment.create_assessment(db, actor, data),
                               show_errors=self._show_errors, show_message=in_label(self.message))
        else:
            row = self.existing.assessment
            result = save_form(
                self, lambda: assessment.update_assessment(db, actor, row.id, data, row.version),
                show_errors=self._show_errors, show_message=in_label(self.message),
                conflict=OnConflict(
                    fetch=lambda: assessment.read_assessment(db, actor, row.id),
                    mine=lambda: self._flat(self.data()),
                    theirs=lambda saved: self._flat(as_input(saved)), labels=self._labels(),
                    adopt=self._adopt, show=self._fill))
        if result is None:
            return
        self.saved, changes = result
        self.ctx.announce(changes)
        self._clean = True
        self.accept()

    def _show_errors(self, errors: dict[str, str]) -> None:
        for key, text in errors.items():
            in_label(self.errors.get(key) or self.message)(text)

    @staticmethod
    def _flat(data: AssessmentInput) -> dict:
        """One value a field, keyed as in ``_labels``, to compare with a newer saved version."""
        values = {"assessed_on": data.assessed_on, "needs": data.needs or "",
                  "strengths": data.strengths or "", "recommendations": data.recommendations or ""}
        for domain in AssessmentDomain:
            values[f"score_{domain.value}"] = data.scores.get(domain)
            values[f"narrative_{domain.value}"] = data.narratives.get(domain, "")
        return values

    @staticmethod
    def _labels() -> dict[str, str]:
        labels = {"assessed_on": _("Date of assessment")}
        for domain in AssessmentDomain:
            labels[f"score_{domain.value}"] = domain.label
            labels[f"narrative_{domain.value}"] = _("{domain}: narrative").format(domain=domain.label)
        labels.update(needs=_("Needs"), strengths=_("Strengths"),
                      recommendations=_("Recommendations"))
        return labels

    def _adopt(self, saved: AssessmentNarratives) -> None:
        self.existing = saved

    def reject(self) -> None:
        if not self._clean and not Messages.confirm(
                self, _("Close without saving? What you typed will be lost.")):
            return
        super().reject()

    @classmethod
    def ask(cls, ctx, stay: StayRef, existing: AssessmentNarratives | None = None,
            parent=None) -> AssessmentRow | None:
        dialog = cls(ctx, stay, existing, parent)
        return dialog.saved if dialog.exec() == QDialog.DialogCode.Accepted else None


def as_input(texts: AssessmentNarratives) -> AssessmentInput:
    row = texts.assessment
    return AssessmentInput(
        admission_id=row.admission_id, assessed_on=row.assessed_on,
        scores={s.domain: s.score for s in row.scores if s.score is not None},
        narratives={d: t for d, t in texts.narratives if t.strip()}, needs=texts.needs,
        strengths=texts.strengths, recommendations=texts.recommendations)


def assessment_html(row: AssessmentRow, texts: AssessmentNarratives | None) -> str:
    parts = [f"<h3>{escape(_('Assessment of {date}').format(date=format_date(row.assessed_on)))}</h3>",
             f"<p style='{MUTED}'>" + escape(_("Assessor: {name}").format(name=row.assessor_name)) + "</p>",
             "<table cellpadding='4'>"]
    for score in row.scores:
        narrative = text_of(texts, score.domain)
        parts.append(f"<tr><td><b>{escape(score.domain.label)}</b></td>"
                     f"<td>{escape(score_text(score.score))}</td><td>{narrative}</td></tr>")
    parts.append("</table>")
    if texts is None:
        parts.append(f"<p style='{MUTED}'>" + escape(_(
            "The narratives, needs, strengths and recommendations are confidential: only social "
            "workers can read them.")) + "</p>")
    else:
        for label, value in ((_("Needs"), texts.needs), (_("Strengths"), texts.strengths),
                             (_("Recommendations"), texts.recommendations)):
            parts.append(f"<h4>{escape(label)}</h4><p>{escape(value or '-').replace(chr(10), '<br>')}</p>")
    return "".join(parts)


def text_of(texts: AssessmentNarratives | None, domain: AssessmentDomain) -> str:
    if texts is None:
        return ""
    return escape(texts.narrative(domain)).replace("\n", "<br>")


class AssessmentViewDialog(QDialog):
    def __init__(self, row: AssessmentRow, texts: AssessmentNarratives | None, parent=None):
        super().__init__(parent)
        self.setObjectName("assessment_view")
        self.setWindowTitle(_("Assessment"))
        view = QTextBrowser()
        view.setObjectName("assessment_text")
        view.setHtml(assessment_html(row, texts))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(view, 1)
        layout.addWidget(buttons)
        self.resize(820, 600)
