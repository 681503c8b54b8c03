"""Search everywhere (Ctrl+K): residents by name, alias, NIK or registration number, and
training programs by name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import TrainingProgram
from kesos_desktop.domain.dto import Actor
from kesos_desktop.domain.permissions import Action
from kesos_desktop.domain.resident_dto import ResidentQuery, ResidentRow, ResidentStatus
from kesos_desktop.services import resident_search
from kesos_desktop.services.context import requires


@dataclass(frozen=True)
class ProgramHit:
    program_id: int
    name: str
    start_date: date
    end_date: date


@dataclass(frozen=True)
class SearchResults:
    text: str
    residents: tuple[ResidentRow, ...]
    programs: tuple[ProgramHit, ...]


@requires(Action.RESIDENT_VIEW)
def search_everything(db: Database, actor: Actor, text: str, limit: int = 8) -> SearchResults:
    text = text.strip()
    if not text:
        return SearchResults(text, (), ())
    page = resident_search.search(
        db, actor, ResidentQuery(text=text, status=ResidentStatus.ALL, limit=limit, with_total=False))
    programs: tuple[ProgramHit, ...] = ()
    if actor.can(Action.TRAINING_VIEW):
        like = "%" + text.lower().replace("%", "").replace("_", "") + "%"
        with db.read() as session:
            programs = tuple(ProgramHit(*row) for row in session.execute(
                sa.select(TrainingProgram.id, TrainingProgram.name, TrainingProgram.start_date,
                          TrainingProgram.end_date)
                .where(sa.func.lower(TrainingProgram.name).like(like))
                .order_by(TrainingProgram.start_date.desc()).limit(limit)))
    return SearchResults(text, tuple(page.rows), programs)
