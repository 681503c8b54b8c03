"""The case file prints the person's photo on a workstation that never had it: the photo comes
through the file store (from the database), not from this data folder."""

from __future__ import annotations

import io

from pypdf import PdfReader

from kesos_desktop import paths
from kesos_desktop.reports.case_file import build_case_file
from kesos_desktop.services import attachments, residents
from tests.reports.world import TODAY, World
from tests.resident_requests import png_bytes


def images_on_first_page(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages[0].images)


def test_photo_printed_on_a_second_workstation(db, staff, world: World, tmp_path):
    assert images_on_first_page(build_case_file(db, staff, world.resident, today=TODAY)) == 0
    photo = tmp_path / "foto.png"
    photo.write_bytes(png_bytes(60, 80))
    version = residents.get_file(db, staff, world.resident).resident.version
    attachments.set_photo(db, staff, world.resident, str(photo), version)
    paths.set_data_dir(tmp_path / "workstation-b")  # an empty data folder, same database
    pdf = build_case_file(db, staff, world.resident, today=TODAY)
    assert images_on_first_page(pdf) == 1
    copy = attachments.photo_file(db, staff, world.resident)
    assert copy.is_relative_to(tmp_path / "workstation-b") and copy.read_bytes() == photo.read_bytes()
