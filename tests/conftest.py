"""Fixtures for the cross-app suites."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection

from helpdesk import rls
from tests.servers import S3Server
from tests.support.fake_postmark import FakePostmark
from tests.support.worker import Worker, purge_queue

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


@pytest.fixture
def postmark() -> Iterator[FakePostmark]:
    """A local fake of Postmark's API, which the workers' anymail backend sends to."""
    fake = FakePostmark()
    yield fake
    fake.close()


@pytest.fixture
def start_worker(postmark, tmp_path):
    """`start_worker(concurrency=1, queues=(), **env)` starts a real Celery worker mailing through
    the fake Postmark; every worker started is stopped and the queues are purged afterwards."""
    purge_queue()
    workers: list[Worker] = []

    def start(concurrency: int = 1, queues: tuple[str, ...] = (), **env: str) -> Worker:
        name = "-".join(queues) or "all"
        worker = Worker(
            mail_api_url=postmark.url,
            concurrency=concurrency,
            queues=queues,
            log_path=tmp_path / f"worker-{name}-{len(workers)}.log",
            env=env,
        )
        workers.append(worker)
        return worker

    yield start
    purge_queue()  # first, so that a worker still running does not work through the rest
    for worker in workers:
        worker.stop()
    purge_queue()
