"""Every signed-in user's profile: display name and time zone; analysts' and managers' weekly shift
hours, validated per day at the field, stored where the shift rules read them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tickets.models import StaffProfile
from tickets.shifts import on_shift

pytestmark = pytest.mark.django_db

SHIFTS = {f"shift_{day}": "" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def profile_data(**overrides):
    return {"full_name": "Ana Lopez", "time_zone": "Europe/Madrid", **SHIFTS, **overrides}


def test_the_user_menu_links_every_user_to_their_profile(client, world):
    for user in (world.merchant_a1, world.analyst_a, world.admin_a):
        client.force_login(user)
        page = client.get("/queue/" if user.is_support_staff else "/portal/").content.decode()
        assert 'href="/profile/"' in page


def test_an_analyst_saves_name_zone_and_shift_hours_that_the_shift_rules_read(client, world):
    client.force_login(world.analyst_a)
    page = client.get("/profile/").content.decode()
    assert '<option value="Europe/Madrid">Europe/Madrid</option>' in page
    assert "The team&#x27;s zone (Australia/Sydney)" in page and "Your shift hours" in page
    data = profile_data(shift_mon="09:00-13:00, 14:00-17:30", shift_tue="22:00-24:00", shift_wed="00:00-06:00")
    response = client.post("/profile/", data)
    assert response.status_code == 302
    analyst = type(world.analyst_a).objects.select_related("staff_profile").get(pk=world.analyst_a.pk)
    assert (analyst.full_name, analyst.time_zone) == ("Ana Lopez", "Europe/Madrid")
    assert analyst.staff_profile.shift_hours == {
        "mon": [["09:00", "13:00"], ["14:00", "17:30"]],
        "tue": [["22:00", "24:00"]],
        "wed": [["00:00", "06:00"]],
    }
    # Monday 10:00 in Madrid is 09:00 UTC: on shift; 13:30 there is the break.
    assert on_shift(analyst, now=datetime(2026, 11, 23, 9, 0, tzinfo=UTC), default_zone="Australia/Sydney")
    assert not on_shift(analyst, now=datetime(2026, 11, 23, 12, 30, tzinfo=UTC), default_zone="Australia/Sydney")
    page = client.get("/profile/").content.decode()
    assert 'value="09:00-13:00, 14:00-17:30"' in page  # shown again as typed


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("17:00-09:00", "ends before it starts; an overnight shift is two intervals"),
        ("09:00-12:00, 11:00-13:00", "Intervals overlap around 11:00"),
        ("nine to five", "is not an interval: write it as 09:00-17:00"),
        ("09:00-25:00", "is not a time of day"),
    ],
)
def test_bad_shift_hours_are_refused_at_their_day_and_nothing_is_saved(client, world, typed, message):
    client.force_login(world.analyst_a)
    response = client.post("/profile/", profile_data(shift_thu=typed))
    assert response.status_code == 400
    assert message in response.context["form"].errors["shift_thu"][0]
    assert 'data-testid="error-summary"' in response.content.decode()
    world.analyst_a.refresh_from_db()
    assert world.analyst_a.full_name != "Ana Lopez"
    assert not StaffProfile.objects.filter(user=world.analyst_a).exclude(shift_hours={}).exists()


def test_a_merchant_keeps_a_name_and_zone_but_no_shift_hours(client, world):
    client.force_login(world.merchant_a1)
    page = client.get("/profile/").content.decode()
    assert "Your shift hours" not in page and "The account&#x27;s zone" in page
    response = client.post("/profile/", {"full_name": "Hannah", "time_zone": "", "shift_mon": "09:00-17:00"})
    assert response.status_code == 302
    world.merchant_a1.refresh_from_db()
    assert (world.merchant_a1.full_name, world.merchant_a1.time_zone) == ("Hannah", "")
    assert not StaffProfile.objects.filter(user=world.merchant_a1).exists()


def test_an_unknown_zone_or_an_empty_name_is_refused_at_its_field(client, world):
    client.force_login(world.manager_a)
    response = client.post("/profile/", profile_data(time_zone="Mars/Olympus", full_name=" "))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "time_zone" in errors and "full_name" in errors


def test_clearing_every_day_leaves_no_shift_hours(client, world):
    client.force_login(world.analyst_a)
    client.post("/profile/", profile_data(shift_fri="09:00-17:00"))
    client.post("/profile/", profile_data())
    assert StaffProfile.objects.get(user=world.analyst_a).shift_hours == {}
