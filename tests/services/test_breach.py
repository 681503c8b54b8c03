"""Breach support (UU PDP: notify within 3 x 24 hours): from the audit log, what left the system
in a period (every export, print, access request and backup, by anyone) and who accessed one
person's data; in the service and through ``kesos audit``."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from kesos_desktop.cli import main
from kesos_desktop.db.models import Resident
from kesos_desktop.domain.enums import DocumentType
from kesos_desktop.domain.errors import PermissionDenied
from kesos_desktop.domain.resident_dto import FileUpload
from kesos_desktop.services import attachments, audit_log, outputs, person_data
from tests.conftest import PASSWORD
from tests.factories import admit_resident

TODAY = date.today()


@pytest.fixture
def trail(db, admin, staff, tmp_path):
    """Two people; staff open one file and one scan, print and export; admin asks for access."""
    budi, _b = admit_resident(db, name="Budi Insiden Fiktif")
    other, _o = admit_resident(db, name="Lain Insiden Fiktif")
    scan = tmp_path / "ktp.png"
    scan.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    row, _c = attachments.add_attachment(db, admin, budi, FileUpload(str(scan), DocumentType.KTP, "KTP"))
    person_data.record_view(db, staff, budi)
    attachments.open_attachment(db, staff, row.id)
    person_data.record_view(db, admin, other)
    outputs.record_print(db, staff, "case_file", budi, {"pages": 3})
    outputs.record_export(db, staff, "residents", {"rows": 2, "filters": {}})
    person_data.gather(db, admin, budi)
    return budi, other


def _outputs(db, actor, **kwargs):
    filters = audit_log.outputs_filter(kwargs.get("date_from"), kwargs.get("date_to"), kwargs.get("by"))
    return audit_log.list_entries(db, actor, filters, 0, 1000, newest_first=False)


def test_outputs_in_a_period_list_every_export_print_and_access_request(db, admin, staff, trail):
    page = _outputs(db, admin, date_from=TODAY, date_to=TODAY)
    seen = [(r.username, r.action, r.entity) for r in page.rows]
    assert seen == [(staff.username, "print", "case_file"), (staff.username, "export", "residents"),
                    (admin.username, "access_request", "person")]
    assert page.total == 3  # views, opened scans and edits are not outputs
    assert [r.action for r in _outputs(db, admin, by=staff.username).rows] == ["print", "export"]
    assert _outputs(db, admin, date_from=TODAY + timedelta(days=1)).rows == []
    assert _outputs(db, admin, date_to=TODAY - timedelta(days=1)).rows == []
    assert "dicetak" in audit_log.outputs_filter(None, None).describe()  # the UI is in Indonesian
    with pytest.raises(PermissionDenied):
        _outputs(db, staff)


def test_one_persons_accesses_leave_out_other_people(db, admin, staff, trail):
    budi, other = trail
    rows = person_data.access_report(db, admin, budi, TODAY, TODAY)
    seen = {(r.username, r.action, r.entity) for r in rows}
    assert {(staff.username, "view", "resident"), (staff.username, "open", "attachment"),
            (staff.username, "print", "case_file"), (admin.username, "access_request", "person")} <= seen
    assert (admin.username, "view", "resident") not in seen  # admin viewed the other person
    assert {(r.username, r.action) for r in person_data.access_report(db, admin, other)} == {
        (admin.username, "view")}


def test_cli_lists_and_writes_the_outputs_of_a_period(db, db_url, admin, staff, trail, tmp_path,
                                                       monkeypatch, capsys):
    monkeypatch.setenv("KESOS_PASSWORD", PASSWORD)
    day = TODAY.isoformat()
    assert main(["--database-url", db_url, "audit", "exports", "--from", day, "--to", day,
                 "--user", "admin"]) == 0
    printed = capsys.readouterr().out
    assert printed.count(staff.username) == 2 and "case_file" in printed and "residents" in printed
    assert "3 " in printed.strip().splitlines()[-1]
    out = tmp_path / "keluar.xlsx"
    assert main(["--database-url", db_url, "audit", "exports", "--from", day, "--by", staff.username,
                 "-o", str(out), "--user", "admin"]) == 0
    sheet = load_workbook(out).worksheets[0]
    assert sheet.max_row == 3  # header + the print and the export by staff
    assert main(["--database-url", db_url, "audit", "exports", "--from", "kemarin",
                 "--user", "admin"]) != 0


def test_cli_person_report_by_registration_number(db, db_url, admin, staff, trail, monkeypatch, capsys):
    budi, _other = trail
    monkeypatch.setenv("KESOS_PASSWORD", PASSWORD)
    with db.read() as session:
        reg_no = session.get(Resident, budi).reg_no
    assert main(["--database-url", db_url, "audit", "person", reg_no, "--user", "admin"]) == 0
    printed = capsys.readouterr().out
    assert f"{staff.username}\topen\tattachment" in printed
    assert f"{staff.username}\tview\tresident" in printed
