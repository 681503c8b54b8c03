"""Fixtures of the document tests."""

from tests.reports.world import world  # noqa: F401 - the small facility every document test prints from
