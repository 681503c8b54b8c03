"""Connecting a workstation to a server: addresses, checks, no password on disk."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from kesos_desktop.domain.errors import DatabaseError, ValidationError
from kesos_desktop.services import connection
from kesos_desktop.settings import WorkstationSettings


def test_address_round_trip_without_password():
    address = connection.ServerAddress("db.panti.lan", 5433, "kesos", "petugas", "require")
    url = address.url()
    assert connection.is_server_url(url) and connection.needs_password(url)
    assert connection.address_of(url) == address
    assert not connection.needs_password(connection.with_password(url, "rahasia"))
    assert not connection.is_server_url("sqlite:///x.db")


def test_invalid_address_names_the_fields():
    with pytest.raises(ValidationError) as info:
        connection.check_server(connection.ServerAddress("", 0, "", "", "sometimes"), "x")
    assert set(info.value.field_errors) == {"host", "port", "database", "user", "sslmode"}


def test_unreachable_server_is_a_plain_message():
    with pytest.raises(DatabaseError) as info:
        connection.check_server(connection.ServerAddress("127.0.0.1", 1, "kesos", "kesos"), "x")
    assert "Traceback" not in str(info.value)


def test_settings_file_never_holds_the_password(data_dir):
    settings = WorkstationSettings(database_url=connection.ServerAddress("srv", 5432, "k", "u").url())
    settings.save()
    text = (data_dir / "settings.json").read_text()
    assert "srv" in text and "password" not in text.lower()
    assert WorkstationSettings.load().database_url == settings.database_url


@pytest.mark.postgres_only
def test_check_real_server(db_url):
    parsed = sa.make_url(db_url)
    address = connection.ServerAddress(parsed.host, parsed.port, parsed.database, parsed.username, "disable")
    check = connection.check_server(address, parsed.password or os.environ.get("PGPASSWORD", ""))
    assert check.server_version and check.schema_revision == check.app_revision
    assert not check.needs_upgrade
