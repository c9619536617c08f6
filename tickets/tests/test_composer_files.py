"""The composer sends files with the reply or internal note in the same submit: one service call,
the same size and type checks as "Attach a file", and a refused file refuses the whole reply."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from tickets.models import Attachment, CaseEvent, Comment
from tickets.tests.factories import open_case

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _reply(client, case, **extra):
    data = {"body": "Logs attached", "version": case.version, **extra}
    return client.post(f"/cases/{case.number}/do/comment/", data)


def test_a_reply_carries_its_files_in_one_submit(client, world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    client.force_login(world.analyst_a)
    files = [SimpleUploadedFile("screen.png", PNG), SimpleUploadedFile("checkout.log", b"ERROR 500 at /cart\n")]
    response = _reply(client, case, file=files, internal="on")
    assert response.status_code == 302, response.content.decode()[:2000]
    comment = Comment.objects.get(case=case, body="Logs attached")
    assert comment.is_public is False
    attachments = Attachment.objects.filter(case=case).order_by("filename")
    assert [(a.filename, a.content_type, a.is_public) for a in attachments] == [
        ("checkout.log", "text/plain", False),
        ("screen.png", "image/png", False),
    ]
    assert CaseEvent.objects.filter(case=case, code="attachment.added").count() == 2
    case.refresh_from_db()
    assert case.version == 2  # one save of the case for the message and its files


def test_a_merchant_reply_with_a_file_is_public(client, world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    client.force_login(world.merchant_a1)
    assert _reply(client, case, file=SimpleUploadedFile("a.png", PNG)).status_code == 302
    assert Attachment.objects.get(case=case).is_public is True


def test_a_refused_file_refuses_the_reply_with_the_error_at_the_field(client, world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    client.force_login(world.analyst_a)
    response = _reply(client, case, file=[SimpleUploadedFile("tool.exe", b"MZ\x90\x00\x03\x00\xff\xfe")])
    body = response.content.decode()
    assert response.status_code == 400
    assert "Only images (PNG, JPEG, GIF), PDF and plain-text files" in body
    assert 'data-testid="error-summary"' in body
    assert not Comment.objects.filter(case=case, body="Logs attached").exists()
    assert not Attachment.objects.filter(case=case).exists()


@override_settings(ATTACHMENT_MAX_BYTES=100)
def test_a_file_over_the_limit_is_refused_like_the_attachment_upload(client, world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    client.force_login(world.analyst_a)
    response = _reply(client, case, file=[SimpleUploadedFile("big.log", b"x" * 101)])
    assert response.status_code == 400
    assert "attachments may be up to 100" in response.content.decode()
    assert not Comment.objects.filter(case=case, body="Logs attached").exists()


def test_the_composer_form_is_multipart_and_names_the_shortcut(client, world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    client.force_login(world.analyst_a)
    body = client.get(f"/cases/{case.number}/").content.decode()
    composer = body[body.index('data-testid="composer"') :]
    assert 'enctype="multipart/form-data"' in composer
    assert 'type="file" name="file"' in composer and "multiple" in composer
    assert "<kbd>Enter</kbd> sends" in composer
