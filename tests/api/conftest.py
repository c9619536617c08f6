from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from helpdesk.services import api_key_create
from tickets.tests.factories import open_case


@pytest.fixture
def api(world):
    """api(user) -> a client sending that user's new API key; api(None) -> anonymous."""

    def client_for(user) -> APIClient:
        client = APIClient()
        if user is not None:
            _, raw = api_key_create(user=user, name="tests")
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client

    return client_for


@pytest.fixture
def case(world, setup_a, setup_b):
    """Alpha's case TA-1001, with Bravo's TB-1001 beside it in another tenant."""
    open_case(world.account_b1, setup_b.normal, subject="Bravo case")  # TB-1001, another tenant
    return open_case(world.account_a1, setup_a.normal, subject="Alpha checkout")  # TA-1001


def pytest_terminal_summary(terminalreporter) -> None:
    from tests.api import request_count

    if request_count.total():
        terminalreporter.write_line(f"schemathesis: {request_count.total()} requests sent")
