"""The audit log's details read as Indonesian "label: value" text, on screen and in Excel."""

from __future__ import annotations

import json

from openpyxl import load_workbook

from kesos_desktop import i18n
from kesos_desktop.domain.enums import Role
from kesos_desktop.services import audit, audit_log, case_manager
from kesos_desktop.services.audit_details import describe_details
from tests.conftest import make_user
from tests.factories import admit_resident


def row_resident(db, admission_id: int) -> int:
    from kesos_desktop.db.models import Admission

    with db.read() as session:
        return session.get(Admission, admission_id).resident_id


def test_known_keys_get_labels_codes_and_dates_are_readable():
    text = describe_details(json.dumps({
        "rows": 12, "file": "ekspor.xlsx", "from": "2026-11-01", "to": "2026-11-30",
        "stage": ["asesmen", "intervensi"], "ok": True, "reason": None,
    }))
    assert text == ("Baris: 12; Berkas: ekspor.xlsx; Periode dari: 01/11/2026; "
                    "Periode sampai: 30/11/2026; Tahapan: Asesmen → Intervensi; Utuh: ya; Alasan: -")


def test_nested_filters_use_labels_and_action_names():
    text = describe_details(json.dumps({"filters": {"date_from": "2026-11-01",
                                                    "actions": ["export", "print"]}}))
    assert text == "Saringan: Dari tanggal: 01/11/2026, Tindakan: Diekspor, Dicetak"


def test_unknown_keys_and_values_are_shown_as_stored():
    assert describe_details('{"mystery_key": "nilai", "stage": "bukan-kode"}') == (
        "mystery_key: nilai; Tahapan: bukan-kode")
    assert describe_details("bukan json") == "bukan json"
    assert describe_details("") == ""
    assert describe_details('["a", "b"]') == "a, b"
    long = describe_details(json.dumps({"file": "x" * 200}))
    assert long.startswith("Berkas: xxx") and long.endswith("...") and len(long) < 100


def test_text_that_only_looks_like_a_date_is_shown_as_typed():
    """A title such as "2026-02-30" must not crash the viewer, its export or the breach report."""
    assert describe_details('{"title": "2026-02-30", "reason": "2026-13-01 10:00"}') == (
        "Judul: 2026-02-30; Alasan: 2026-13-01 10:00")


def test_english_interface_keeps_english_labels():
    i18n.set_language("en")
    assert describe_details('{"rows": 3, "role": ["staff", "admin"]}') == (
        "Rows: 3; Role: Staff (petugas) → Administrator")


def test_reassign_row_reads_well_on_screen_and_in_excel(db, admin, counselor, tmp_path):
    second = make_user(db, admin, "konselor2", Role.COUNSELOR)
    _, stay = admit_resident(db, case_manager_id=counselor.id)
    case_manager.reassign(db, admin, stay, second.id, None, reason="cuti")
    [row] = audit_log.list_entries(db, admin, audit_log.AuditFilter(action="reassign")).rows
    assert row.action_label == "Manajer kasus diganti"
    assert row.details_text == (  # stored with sorted keys
        "Manajer kasus: Konselor1 Contoh → Konselor2 Contoh; "
        f"Manajer kasus (no.): {counselor.id} → {second.id}; Alasan: cuti; "
        f"PM (no.): {row_resident(db, stay)}; Melalui: ganti manajer kasus")
    with db.write() as session:  # a formula-like value stays text in the export
        audit.record(session, admin, "update", "resident", 1, {"name": ["=1+1", "Budi"]})
    result = audit_log.export_xlsx(db, admin, tmp_path / "audit.xlsx")
    cells = {r[3].value: r[6] for r in load_workbook(result.path).worksheets[0].iter_rows(min_row=2)}
    assert cells["Manajer kasus diganti"].value == row.details_text
    assert cells["Diubah"].value == "Nama: =1+1 → Budi"
