"""Reintegration workbooks: the follow-up register, the resocialisation board and the outcomes,
each exporting what its list shows (scope, search, stage, period), on a fictional demo facility."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from kesos_desktop.cli import main
from kesos_desktop.db.models import User
from kesos_desktop.domain.dto import Actor
from kesos_desktop.domain.enums import Role, Stage
from kesos_desktop.excel.export_reintegration import (
    ALL,
    DUE,
    OPEN,
    export_board,
    export_follow_up_register,
    export_outcomes,
    follow_up_rows,
)
from kesos_desktop.services import aftercare, reintegration, reintegration_stats
from kesos_desktop.services.demo import PASSWORD as DEMO_PASSWORD
from kesos_desktop.services.demo import generate

TODAY = date(2026, 11, 23)


def demo_actor(db, username: str) -> Actor:
    with db.read() as session:
        user = session.execute(sa.select(User).where(User.username == username)).scalar_one()
        return Actor(user.id, user.username, user.full_name, Role(user.role), user.is_supervisor)


@pytest.fixture
def demo(db):
    generate(db, residents=60, today=TODAY)
    return db


def table(path):
    sheet = load_workbook(path).worksheets[0]
    header = [c.value for c in sheet[1]]
    return header, [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)]


def info(path) -> dict:
    return {r[0].value: r[1].value for r in load_workbook(path)["Info"].iter_rows()}


def test_follow_up_register_exports_the_lists_scope_and_search(demo, tmp_path):
    actor = demo_actor(demo, "petugas")
    every = aftercare.list_follow_ups(demo, actor)
    assert len(every) > 5  # the demo has running aftercare
    header, rows = table(export_follow_up_register(demo, actor, tmp_path / "all.xlsx", ALL, today=TODAY))
    assert header[:4] == ["Status", "Jatuh tempo", "Nomor registrasi", "Nama"]
    assert [(r["Nomor registrasi"].value, r["Jatuh tempo"].value.date()) for r in rows] == [
        (f.reg_no, f.due_on) for f in every]
    assert all(isinstance(r["Jatuh tempo"].value, datetime) for r in rows)
    assert rows[0]["Jatuh tempo"].number_format == "DD/MM/YYYY"
    due, overdue, week = follow_up_rows(demo, actor, DUE, "", TODAY)
    assert overdue + week == len(due)
    due_rows = table(export_follow_up_register(demo, actor, tmp_path / "due.xlsx", DUE, today=TODAY))[1]
    assert len(due_rows) == len(due) and all(r["Dilakukan pada"].value is None for r in due_rows)
    name = every[0].name
    found = table(export_follow_up_register(demo, actor, tmp_path / "s.xlsx", OPEN, name.lower(), today=TODAY))[1]
    assert found and {r["Nama"].value for r in found} == {name}
    assert all(r["Dilakukan pada"].value is None for r in found)
    shown = info(tmp_path / "s.xlsx")
    assert shown["Ditampilkan"] == "Semua yang belum dilakukan" and shown["Cari"] == name.lower()


def test_board_exports_the_stage_and_search_shown(demo, tmp_path):
    actor = demo_actor(demo, "konselor")
    board = reintegration.board(demo, actor, Stage.REINTEGRATION, "")
    everyone = reintegration.board(demo, actor, None, "")
    assert 0 < len(board) < len(everyone)
    rows = table(export_board(demo, actor, tmp_path / "b.xlsx"))[1]
    assert [r["Nomor registrasi"].value for r in rows] == [b.reg_no for b in board]
    assert {r["Tahapan"].value for r in rows} == {Stage.REINTEGRATION.label}
    assert all(isinstance(r["Tanggal masuk"].value, datetime) for r in rows)
    planned = next(b for b in board if b.progress is not None)
    row = next(r for r in rows if r["Nomor registrasi"].value == planned.reg_no)
    assert (row["Daftar periksa selesai"].value, row["Butir daftar periksa"].value) == (
        planned.progress.done, planned.progress.applicable)
    assert len(table(export_board(demo, actor, tmp_path / "e.xlsx", None))[1]) == len(everyone)
    assert info(tmp_path / "e.xlsx")["Tahapan"] == "Semua PM di panti"


def test_outcomes_workbook_has_the_tabs_figures(demo, tmp_path):
    actor = demo_actor(demo, "admin")
    start, end = date(2026, 1, 1), TODAY
    stats = reintegration_stats.outcomes(demo, actor, start, end)
    book = load_workbook(export_outcomes(demo, actor, tmp_path / "o.xlsx", start, end))
    assert book.sheetnames == ["Ringkasan", "Menurut alasan", "Menurut kondisi", "Bimbingan lanjut selesai", "Info"]
    summary = {r[0].value: r[1].value for r in book["Ringkasan"].iter_rows(min_row=2)}
    assert summary["Terminasi"] == stats.terminations > 0
    assert summary["Bimbingan lanjut yang dilakukan"] == stats.follow_ups_done
    reasons = sum(r[1].value for r in book["Menurut alasan"].iter_rows(min_row=2))
    assert reasons == sum(stats.by_reason.values())
    assert info(tmp_path / "o.xlsx")["Periode"] == "01/01/2026 - 23/11/2026"


def test_cli_exports_each_reintegration_register(db_url, demo, tmp_path, monkeypatch):
    monkeypatch.setenv("KESOS_PASSWORD", DEMO_PASSWORD)
    for what, extra in (("followups", ["--scope", "open"]), ("reintegration", ["--everyone"]),
                        ("outcomes", ["--from", "2026-01-01", "--to", "2026-11-23"])):
        out = tmp_path / f"{what}.xlsx"
        assert main(["--database-url", db_url, "export", what, str(out), "--user", "petugas", *extra]) == 0
        assert "Info" in load_workbook(out).sheetnames
    followed = table(tmp_path / "followups.xlsx")[1]
    assert followed and all(r["Dilakukan pada"].value is None for r in followed)
