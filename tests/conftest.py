"""Fixtures for the cross-app suites."""

from __future__ import annotations

import pytest
from django.db import connection

from helpdesk import rls
from tests.servers import S3Server

APP_ROLE = rls.DEFAULT_APP_ROLE


@pytest.fixture(scope="session")
def s3(tmp_path_factory):
    """moto's S3 server on a free 127.0.0.1 port; each test makes its own bucket."""
    server = S3Server(log_path=tmp_path_factory.mktemp("s3") / "moto.log")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def app_role(django_db_setup, django_db_blocker) -> str:
    """The application role on the test cluster, with the policies and grants (as `make test` has)."""
    with django_db_blocker.unblock():
        rls.create_role(APP_ROLE)  # cluster-wide; parallel test workers may race here
        rls.install(app_role=APP_ROLE)
    return APP_ROLE


@pytest.fixture
def as_app(app_role, world):
    """The rest of the test runs as the application role, on the test's one connection."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {app_role}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
