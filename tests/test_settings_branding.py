"""Branding and support numbers: validation at the field, the history, the logo served to the tenant only."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from helpdesk.models import SettingChange, Tenant

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
VALID = {
    "name": "Tenant A Care",
    "brand_colour": "#0a7d5a",
    "support_phone_numbers": "1-877-282-7436 in the US\n+61 2 9000 0000 outside the US\n",
    "senior_management_email": "seniors@tenant-a.test",
}


def test_an_admin_saves_branding_and_the_history_records_what_changed(client, world):
    client.force_login(world.admin_a)
    answer = client.post("/settings/branding/", {**VALID, "logo": SimpleUploadedFile("logo.png", PNG)})
    assert answer.status_code == 302 and answer["Location"] == "/settings/branding/"
    tenant = Tenant.objects.get(pk=world.tenant_a.pk)
    assert (tenant.name, tenant.brand_colour, tenant.senior_management_email) == (
        "Tenant A Care",
        "#0a7d5a",
        "seniors@tenant-a.test",
    )
    assert tenant.support_phone_numbers == ["1-877-282-7436 in the US", "+61 2 9000 0000 outside the US"]
    assert tenant.logo_content_type == "image/png"
    change = SettingChange.objects.get(tenant=tenant, area="branding")
    fields = {item["field"]: item for item in change.changes}
    assert fields["Brand colour"]["after"] == "#0a7d5a" and fields["Name shown"]["before"] == "Tenant A Support"
    assert fields["Logo"]["after"].startswith("image/png")
    page = client.get("/settings/branding/").content.decode()
    assert "Branding and support numbers are saved" in page and "#0a7d5a" in page
    logo = client.get("/brand/logo/")
    assert logo.status_code == 200 and logo["Content-Type"] == "image/png"
    assert b"".join(logo.streaming_content) == PNG
    assert 'data-testid="brand-logo"' in client.get("/settings/").content.decode()
    # The other tenant's users get their own (missing) logo, never this one.
    client.force_login(world.analyst_b)
    assert client.get("/brand/logo/").status_code == 204


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("brand_colour", "blue", "Use a colour such as #1f6feb."),
        ("support_phone_numbers", "call us maybe", "does not start with a phone number"),
        ("senior_management_email", "not-an-address", "valid email address"),
        ("name", "", "This field is required."),
    ],
)
def test_bad_input_is_refused_at_its_field_and_changes_nothing(client, world, field, value, message):
    client.force_login(world.admin_a)
    answer = client.post("/settings/branding/", {**VALID, field: value})
    page = answer.content.decode()
    assert answer.status_code == 400 and 'data-testid="error-summary"' in page and f'href="#id_{field}"' in page
    assert message in page
    assert Tenant.objects.get(pk=world.tenant_a.pk).name == "Tenant A Support"
    assert not SettingChange.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "PNG, JPEG or WebP"),
        ("logo.png", b"GIF89a" + b"\x00" * 40, "PNG, JPEG or WebP"),
        ("logo.png", PNG + b"\x00" * 600_000, "at most 512 KB"),
    ],
)
def test_a_logo_must_be_a_small_raster_image_by_its_bytes(client, world, name, content, message):
    client.force_login(world.admin_a)
    answer = client.post("/settings/branding/", {**VALID, "logo": SimpleUploadedFile(name, content)})
    assert answer.status_code == 400 and message in answer.content.decode()
    assert not Tenant.objects.get(pk=world.tenant_a.pk).logo


def test_removing_the_logo_and_who_may_open_the_page(client, world):
    client.force_login(world.admin_a)
    client.post("/settings/branding/", {**VALID, "logo": SimpleUploadedFile("logo.png", PNG)})
    client.post("/settings/branding/", {**VALID, "remove_logo": "on"})
    assert not Tenant.objects.get(pk=world.tenant_a.pk).logo
    assert client.get("/brand/logo/").status_code == 204
    removal = SettingChange.objects.filter(area="branding").order_by("at", "id")[1]
    assert [item["field"] for item in removal.changes] == ["Logo"]
    for user in (world.manager_a, world.analyst_a, world.merchant_a1):
        client.force_login(user)
        assert client.get("/settings/branding/").status_code == 403


def test_the_brand_stylesheet_picks_readable_text_for_a_light_colour(client, world):
    Tenant.objects.filter(pk=world.tenant_a.pk).update(brand_colour="#ffd60a")
    client.force_login(world.analyst_a)
    css = client.get("/brand.css").content.decode()
    assert "--hd-brand: #ffd60a; --hd-brand-ink: #1d2733;" in css
    Tenant.objects.filter(pk=world.tenant_a.pk).update(brand_colour="#0b3d91")
    assert "--hd-brand-ink: #fff;" in client.get("/brand.css").content.decode()
