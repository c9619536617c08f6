"""Attachments in S3-compatible object storage (moto's real S3 server on 127.0.0.1): stored,
served only through the authorisation check, refused by size and type before anything is
stored, deleted with their rows, and shared by two web processes on the same bucket."""

from __future__ import annotations

import uuid

import httpx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from rest_framework.test import APIClient

from helpdesk.purge import history_protection_lifted
from helpdesk.services import api_key_create
from tests.servers import S3Server, WebServer
from tests.support.worker import database_url
from tickets.models import Attachment, Case
from tickets.tests.factories import open_case

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
PUBLIC_READ = "http://acs.amazonaws.com/groups/global/AllUsers"


@pytest.fixture
def api(world):
    def client_for(user) -> APIClient:
        client = APIClient()
        _, raw = api_key_create(user=user, name="tests")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client

    return client_for


@pytest.fixture
def bucket(s3) -> str:
    name = f"helpdesk-{uuid.uuid4().hex[:12]}"
    s3.client().create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": s3.region})
    return name


@pytest.fixture
def s3_storage(s3, bucket):
    """This process's default storage on the bucket, configured as base.py does from the variables."""
    options = {
        "bucket_name": bucket,
        "endpoint_url": s3.url,
        "access_key": s3.access_key,
        "secret_key": s3.secret_key,
        "region_name": s3.region,
        "signature_version": "s3v4",
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 300,
        "file_overwrite": False,
        "max_memory_size": 1_048_576,
    }
    storages = {
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        yield bucket


def keys(s3: S3Server, bucket: str) -> list[str]:
    return [item["Key"] for item in s3.client().list_objects_v2(Bucket=bucket).get("Contents", [])]


def upload(client, number: str, name: str, data: bytes):
    return client.post(
        f"/api/v1/cases/{number}/attachments/", {"file": SimpleUploadedFile(name, data)}, format="multipart"
    )


@pytest.mark.django_db
def test_an_upload_is_stored_privately_in_the_bucket_and_served_only_to_those_allowed(
    world, setup_a, api, s3, s3_storage
):
    case = open_case(world.account_a1, setup_a.normal)
    merchant = api(world.merchant_a1)
    response = upload(merchant, case.number, "screen.png", PNG)
    assert response.status_code == 201, response.content
    attachment = Attachment.objects.get(case=case)
    assert keys(s3, s3_storage) == [attachment.file.name]
    stored = s3.client().get_object(Bucket=s3_storage, Key=attachment.file.name)
    assert stored["Body"].read() == PNG
    grants = s3.client().get_object_acl(Bucket=s3_storage, Key=attachment.file.name)["Grants"]
    assert [grant["Grantee"].get("URI") for grant in grants if grant["Grantee"].get("URI")] == []
    assert PUBLIC_READ not in str(grants)

    download = merchant.get(response.json()["download"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG
    assert download["Content-Type"] == "application/octet-stream"  # the API's download, whatever the file
    assert response.json()["content_type"] == "image/png"
    assert api(world.merchant_a2).get(response.json()["download"]).status_code == 404
    assert api(world.analyst_b).get(response.json()["download"]).status_code == 404


@pytest.mark.django_db
def test_files_refused_by_size_or_type_never_reach_the_bucket(world, setup_a, api, s3, s3_storage, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    case = open_case(world.account_a1, setup_a.normal)
    merchant = api(world.merchant_a1)
    too_big = upload(merchant, case.number, "big.png", PNG)
    assert too_big.status_code == 400
    assert "attachments may be up to 1 KB" in too_big.json()["errors"]["file"][0]
    wrong_type = upload(merchant, case.number, "tool.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00")
    assert wrong_type.status_code == 400
    assert "Only images" in wrong_type.json()["message"]
    assert keys(s3, s3_storage) == []
    assert not Attachment.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_deleting_an_attachment_or_its_case_deletes_the_stored_object(
    world, setup_a, api, s3, s3_storage, django_capture_on_commit_callbacks
):
    first = open_case(world.account_a1, setup_a.normal, subject="First")
    second = open_case(world.account_a1, setup_a.normal, subject="Second")
    merchant = api(world.merchant_a1)
    assert upload(merchant, first.number, "a.png", PNG).status_code == 201
    assert upload(merchant, second.number, "b.png", PNG).status_code == 201
    kept, gone = Attachment.objects.get(case=second), Attachment.objects.get(case=first)
    assert sorted(keys(s3, s3_storage)) == sorted([kept.file.name, gone.file.name])

    with django_capture_on_commit_callbacks(execute=True):
        gone.delete()
    assert keys(s3, s3_storage) == [kept.file.name]

    # Cases are deleted only when a tenant is purged (helpdesk/purge.py), which lifts the triggers.
    with django_capture_on_commit_callbacks(execute=True), history_protection_lifted():
        Case.objects.filter(pk=second.pk).delete()  # its attachments go by cascade
    assert keys(s3, s3_storage) == []


@pytest.mark.django_db(transaction=True)
def test_two_web_processes_on_one_bucket_serve_each_others_files(world, setup_a, s3, bucket, tmp_path):
    """Two gunicorn processes configured only by the documented variables, on the test database."""
    env = {
        **s3.env(bucket),
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings.test",
        "DATABASE_URL": database_url(),
    }
    one = WebServer(env=env, log_path=tmp_path / "web-one.log")
    two = WebServer(env=env, log_path=tmp_path / "web-two.log")
    try:
        case = open_case(world.account_a1, setup_a.normal)
        _, key = api_key_create(user=world.merchant_a1, name="two web processes")
        _, other_key = api_key_create(user=world.merchant_a2, name="other account")
        headers = {"Authorization": f"Bearer {key}"}
        files = {}
        for name, server in (("one.png", one), ("two.png", two)):
            data = PNG + name.encode()
            answer = httpx.post(
                f"{server.url}/api/v1/cases/{case.number}/attachments/",
                files={"file": (name, data, "image/png")},
                headers=headers,
                timeout=30,
            )
            assert answer.status_code == 201, answer.text
            files[name] = (answer.json()["download"], data)
        assert len(keys(s3, bucket)) == 2

        for (name, (download, data)), other in zip(files.items(), (two, one), strict=True):
            served = httpx.get(other.url + download, headers=headers, timeout=30)
            assert served.status_code == 200, f"{name} from the other process: {served.status_code}"
            assert served.content == data
            refused = httpx.get(other.url + download, headers={"Authorization": f"Bearer {other_key}"}, timeout=30)
            assert refused.status_code == 404
    finally:
        one.stop()
        two.stop()
