"""Fixtures for the cross-app suites."""

from __future__ import annotations

import pytest

from tests.servers import S3Server


@pytest.fixture(scope="session")
def s3(tmp_path_factory):
    """moto's S3 server on a free 127.0.0.1 port; each test makes its own bucket."""
    server = S3Server(log_path=tmp_path_factory.mktemp("s3") / "moto.log")
    yield server
    server.stop()
