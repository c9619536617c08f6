"""Attachment downloads go through the authorisation check."""

from __future__ import annotations

import re

import pytest
from django.core.files.base import ContentFile

from tickets.services import attachment_add
from tickets.tests.factories import open_case

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 32


def without_csrf(body: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", body)


@pytest.fixture
def files(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    public = attachment_add(case=case, actor=world.merchant_a1, file=ContentFile(PNG, name="checkout.png"))
    internal = attachment_add(
        case=case, actor=world.analyst_a, file=ContentFile(b"trace", name="trace.txt"), public=False
    )
    return public, internal


def test_the_merchant_downloads_their_file(client, world, files):
    public, _ = files
    client.force_login(world.merchant_a1)
    response = client.get(f"/attachments/{public.token}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert 'filename="checkout.png"' in response["Content-Disposition"]


@pytest.mark.parametrize(
    ("actor", "which", "status"),
    [
        ("merchant_a1", 1, 404),  # staff-only file
        ("merchant_a2", 0, 404),  # another account
        ("analyst_b", 0, 404),  # another tenant
        ("analyst_a", 1, 200),
    ],
)
def test_downloads_answer_others_like_missing_files(client, world, files, actor, which, status):
    client.force_login(getattr(world, actor))
    response = client.get(f"/attachments/{files[which].token}/")
    assert response.status_code == status
    if status == 404:
        missing = client.get("/attachments/no-such-token/")
        assert without_csrf(missing.content) == without_csrf(response.content)


def test_anonymous_downloads_go_to_sign_in(client, files):
    response = client.get(f"/attachments/{files[0].token}/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
