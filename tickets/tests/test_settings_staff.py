"""Staff settings: invite by mail with a set-password link, role, shift hours, deactivation, history, isolation."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from helpdesk.models import OutboxMessage, Role, SettingChange, User
from tickets.models import StaffProfile

pytestmark = pytest.mark.django_db

INVITE = {"email": "New.Analyst@Tenant-A.test", "full_name": "Nina New", "role": "analyst"}
WEEK = {"shift-mon": "09:00-17:00", "shift-tue": "9:00–12:00, 13:00–17:30", "shift-sat": ""}


def _sign_in(client, email: str, password: str):
    return client.post(reverse("login"), {"username": email, "password": password})


def test_an_invited_analyst_chooses_a_password_through_the_mailed_link(client, world):
    client.force_login(world.admin_a)
    answer = client.post("/settings/staff/", INVITE)
    assert answer.status_code == 302
    user = User.objects.get(email="new.analyst@tenant-a.test")
    assert (user.tenant_id, user.role, user.full_name, user.has_usable_password()) == (
        world.tenant_a.pk,
        Role.ANALYST,
        "Nina New",
        False,
    )
    assert StaffProfile.objects.filter(user=user, tenant=world.tenant_a).exists()
    message = OutboxMessage.objects.get(kind="staff_invitation")
    assert message.to == [user.email] and message.tenant_id == world.tenant_a.pk
    assert "Tenant A Support" in message.subject
    page = client.get("/settings/staff/").content.decode()
    assert "is invited" in page and "Invited" in page and "Nina New" in page
    change = SettingChange.objects.get(area="staff")
    assert change.action == "created" and change.label == "Staff new.analyst@tenant-a.test"
    assert {"field": "Role", "before": "", "after": "Support analyst"} in change.changes

    client.logout()
    link = re.search(r"https?://[^/\s]+(/password-reset/\S+/)", message.body_text).group(1)
    form_page = client.get(link, follow=True)
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "a-new-staff-secret", "new_password2": "a-new-staff-secret"}
    )
    assert done.status_code == 302
    assert _sign_in(client, user.email, "a-new-staff-secret").status_code == 302
    assert client.get("/queue/").status_code == 200


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-address", "Enter a valid email address."),
        ("email", "analyst@tenant-b.test", "Cannot be used for a new user: ask for another address."),
        ("role", "merchant", "Select a valid choice."),
        ("full_name", "", "This field is required."),
    ],
)
def test_a_bad_invitation_is_refused_at_its_field(client, world, field, value, message):
    client.force_login(world.admin_a)
    answer = client.post("/settings/staff/", {**INVITE, field: value})
    page = answer.content.decode()
    assert answer.status_code == 400 and 'data-testid="error-summary"' in page
    assert f'href="#id_{field}"' in page and message in page
    assert not OutboxMessage.objects.exists() and not SettingChange.objects.exists()


def test_an_admin_changes_role_and_shift_hours_and_the_history_says_so(client, world):
    client.force_login(world.admin_a)
    url = f"/settings/staff/{world.analyst_a.pk}/"
    answer = client.post(url, {"role": "manager", "is_active": "on", **WEEK})
    assert answer.status_code == 302
    world.analyst_a.refresh_from_db()
    assert world.analyst_a.role == Role.MANAGER and world.analyst_a.is_active
    assert StaffProfile.objects.get(user=world.analyst_a).shift_hours == {
        "mon": [["09:00", "17:00"]],
        "tue": [["09:00", "12:00"], ["13:00", "17:30"]],
    }
    change = SettingChange.objects.get(area="staff")
    fields = {item["field"]: item for item in change.changes}
    assert fields["Role"] == {"field": "Role", "before": "Support analyst", "after": "Support manager"}
    assert fields["Shift hours"]["after"] == "Mon 09:00–17:00; Tue 09:00–12:00, 13:00–17:30"
    assert "Mon 09:00–17:00" in client.get("/settings/staff/").content.decode()
    # Saving the same again records nothing.
    client.post(url, {"role": "manager", "is_active": "on", **WEEK})
    assert SettingChange.objects.filter(area="staff").count() == 1


@pytest.mark.parametrize(
    ("day", "value", "message"),
    [
        ("shift-mon", "17:00-09:00", "ends before it starts"),
        ("shift-wed", "09:00-12:00, 11:00-13:00", "overlap"),
        ("shift-fri", "nine to five", "is not an interval: write it as 09:00–17:00"),
        ("shift-sun", "25:00-26:00", "is not a time of day"),
    ],
)
def test_bad_shift_hours_are_refused_at_their_day(client, world, day, value, message):
    client.force_login(world.admin_a)
    answer = client.post(f"/settings/staff/{world.analyst_a.pk}/", {"role": "analyst", "is_active": "on", day: value})
    page = answer.content.decode()
    assert answer.status_code == 400 and message in page and f'href="#id_{day}"' in page
    assert not StaffProfile.objects.filter(user=world.analyst_a).exclude(shift_hours={}).exists()


def test_deactivated_staff_keep_their_row_and_cannot_sign_in(client, world):
    client.force_login(world.admin_a)
    assert client.post(f"/settings/staff/{world.analyst_a.pk}/", {"role": "analyst"}).status_code == 302
    assert User.objects.filter(pk=world.analyst_a.pk, is_active=False).exists()
    assert "Deactivated" in client.get("/settings/staff/").content.decode()
    client.logout()
    assert _sign_in(client, world.analyst_a.email, world.password).status_code == 200  # the form again


def test_an_admin_cannot_demote_or_deactivate_themselves(client, world):
    client.force_login(world.admin_a)
    answer = client.post(f"/settings/staff/{world.admin_a.pk}/", {"role": "analyst", "is_active": "on"})
    assert answer.status_code == 400 and "You cannot change your own role" in answer.content.decode()
    world.admin_a.refresh_from_db()
    assert world.admin_a.role == Role.ADMIN


def test_other_tenants_staff_and_merchants_answer_like_missing_ones(client, world):
    client.force_login(world.admin_a)
    missing = client.get("/settings/staff/987654/")
    for user in (world.analyst_b, world.merchant_a1):
        other = client.get(f"/settings/staff/{user.pk}/")
        assert other.status_code == missing.status_code == 404
        assert client.post(f"/settings/staff/{user.pk}/", {"role": "admin", "is_active": "on"}).status_code == 404
    assert world.analyst_b.email not in client.get("/settings/staff/").content.decode()
    world.analyst_b.refresh_from_db()
    assert world.analyst_b.role == Role.ANALYST
    client.force_login(world.manager_a)
    assert client.get("/settings/staff/").status_code == 403


def test_the_invitation_goes_again_while_it_is_pending(client, world):
    client.force_login(world.admin_a)
    client.post("/settings/staff/", INVITE)
    user = User.objects.get(email="new.analyst@tenant-a.test")
    assert client.post(f"/settings/staff/{user.pk}/", {"resend": "1"}).status_code == 302
    assert OutboxMessage.objects.filter(kind="staff_invitation", to=[user.email]).count() == 2
    assert client.post(f"/settings/staff/{world.analyst_a.pk}/", {"resend": "1"}).status_code == 400
