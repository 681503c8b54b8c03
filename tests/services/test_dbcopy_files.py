"""Moving to a server copies file contents in small chunks: memory stays bounded by the chunk
size, not by how many megabytes of documents the facility has."""

from __future__ import annotations

import hashlib
import os
import tracemalloc

import sqlalchemy as sa

from kesos_desktop.db import migrate
from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import FileContent
from kesos_desktop.domain.dto import FacilityProfileDTO
from kesos_desktop.services import auth, dbcopy
from tests.conftest import PASSWORD, new_database_url

FILES = 12
SIZE = 600 * 1024  # 12 x 600 KB: about 7 MB of documents


def _contents(db) -> dict[str, bytes]:
    with db.read() as session:
        return {sha: bytes(data) for sha, data in session.execute(
            sa.select(FileContent.sha256, FileContent.data))}


def test_file_contents_copied_in_bounded_chunks(request, tmp_path, monkeypatch):
    source = Database(f"sqlite:///{tmp_path / 'source.db'}")
    migrate.upgrade(source, backup=False)
    auth.setup_facility(source, auth.SetupRequest(FacilityProfileDTO(name="Panti Sumber"),
                                                  "kepala", "Kepala", PASSWORD))
    with source.write() as session:
        for _n in range(FILES):
            data = os.urandom(SIZE)  # incompressible, all different
            session.add(FileContent(sha256=hashlib.sha256(data).hexdigest(), size_bytes=SIZE,
                                    content_type="application/pdf", data=data))
    expected = _contents(source)
    monkeypatch.setattr(dbcopy, "CHUNK_BYTES", 1024 * 1024)
    chunks: list[tuple[int, int]] = []
    peaks: list[int] = []
    chunked = dbcopy._chunks

    def recording(src, table):
        if table.name != "file_content":
            yield from chunked(src, table)
            return
        tracemalloc.start()  # what copying this table alone holds (not the migration's)
        for chunk in chunked(src, table):
            chunks.append((len(chunk), sum(len(row["data"]) for row in chunk)))
            yield chunk
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    monkeypatch.setattr(dbcopy, "_chunks", recording)
    url, cleanup = new_database_url(request, tmp_path / "target")
    target = Database(url)
    try:
        result = dbcopy.copy_database(source, target)
        assert result.tables["file_content"] == FILES
        assert _contents(target) == expected
    finally:
        target.dispose()
        source.dispose()
        cleanup()
    # every chunk holds at most the limit plus the one file that crossed it
    assert len(chunks) >= FILES // 2 and all(size <= 1024 * 1024 + SIZE for _n, size in chunks)
    assert sum(n for n, _size in chunks) == FILES
    # about two chunks in memory at once, never all the documents (7 MB) together
    assert peaks[0] < FILES * SIZE / 2, f"peak {peaks[0] / 1e6:.1f} MB"
