"""Sign-in, sign-out, password reset, and the role-aware landing pages."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


def sign_in(client, user, password):
    return client.post(reverse("login"), {"username": user.email, "password": password})


@pytest.mark.parametrize(
    ("actor", "landing"),
    [
        ("merchant_a1", "/portal/"),
        ("analyst_a", "/queue/"),
        ("manager_a", "/dashboard/"),
        ("admin_a", "/settings/"),
    ],
)
def test_each_role_lands_on_its_home(client, world, actor, landing):
    user = getattr(world, actor)
    response = sign_in(client, user, world.password)
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302 and response["Location"] == landing
    page = client.get(landing)
    assert page.status_code == 200
    body = page.content.decode()
    assert user.email in body
    assert "Tenant A Support" in body
    assert user.get_role_display() in body


def test_merchant_home_names_its_account_and_plan_and_nothing_of_others(client, world):
    client.force_login(world.merchant_a1)
    body = client.get("/portal/").content.decode()
    assert "Alpha One" in body and "Gold plan" in body
    assert "Alpha Two" not in body and "Bravo" not in body and "Tenant B" not in body


def test_staff_queue_lists_only_own_tenant_cases(client, world, setup_a, setup_b):
    from tickets.tests.factories import open_case

    open_case(world.account_a1, setup_a.normal, subject="Alpha checkout fails")
    open_case(world.account_a1, setup_a.urgent, subject="Alpha two is down")
    open_case(world.account_b1, setup_b.normal, subject="Bravo problem")
    client.force_login(world.analyst_a)
    body = client.get("/queue/").content.decode()
    assert body.index("Alpha two is down") < body.index("Alpha checkout fails")  # most urgent first
    assert "Bravo" not in body
    client.force_login(world.merchant_a1)
    portal = client.get("/portal/").content.decode()
    assert "Alpha checkout fails" in portal and "Bravo" not in portal
    client.force_login(world.merchant_a2)
    assert "Alpha checkout fails" not in client.get("/portal/").content.decode()


def test_wrong_password_gives_a_clear_message_and_no_session(client, world):
    response = client.post(reverse("login"), {"username": world.analyst_a.email, "password": "wrong"})
    assert response.status_code == 200
    assert "do not match" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_unknown_email_answers_exactly_like_a_wrong_password(client, world):
    wrong_password = client.post(reverse("login"), {"username": world.analyst_a.email, "password": "nope"})
    unknown_user = client.post(reverse("login"), {"username": "nobody@nowhere.test", "password": "nope"})
    strip = lambda r: re.sub(r'value="[^"]*"', "", r.content.decode())  # noqa: E731
    assert strip(wrong_password) == strip(unknown_user)


def test_anonymous_is_sent_to_sign_in(client, db):
    for path in ("/", "/portal/", "/queue/", "/escalations/", "/settings/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


@pytest.mark.parametrize(
    ("actor", "forbidden"),
    [
        ("merchant_a1", ["/queue/", "/escalations/", "/settings/"]),
        ("analyst_a", ["/portal/", "/escalations/", "/settings/"]),
        ("manager_a", ["/portal/", "/settings/"]),
    ],
)
def test_other_roles_pages_are_refused_with_a_clear_message(client, world, actor, forbidden):
    client.force_login(getattr(world, actor))
    for path in forbidden:
        response = client.get(path)
        assert response.status_code == 403, path
        assert "Your role does not give access to this page." in response.content.decode()


def test_unknown_page_is_a_plain_404(client, world):
    client.force_login(world.analyst_a)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "There is no such page" in body
    assert "urlpatterns" not in body and "Traceback" not in body


def test_sign_out_ends_the_session(client, world):
    sign_in(client, world.analyst_a, world.password)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get("/queue/").status_code == 302


def test_password_reset_by_mail(client, world):
    user = world.merchant_a1
    response = client.post(reverse("password_reset"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    link = re.search(r"http://testserver(/password-reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-secret", "new_password2": "a-brand-new-secret"},
    )
    assert done.status_code == 302
    client.logout()
    assert sign_in(client, user, "a-brand-new-secret").status_code == 302
    # The link works once.
    assert "This link no longer works" in client.get(link, follow=True).content.decode()


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@nowhere.test"}, follow=True)
    assert "If the address belongs to an account" in response.content.decode()
    assert mail.outbox == []


def test_inactive_user_cannot_sign_in(client, world):
    user = world.analyst_a
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = sign_in(client, user, world.password)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("who", ["admin_a", "manager_a", "analyst_a", "merchant_a1"])
def test_every_link_on_each_roles_home_opens(client, world, setup_a, who):
    import re

    client.force_login(getattr(world, who))
    home = client.get("/", follow=True)
    links = set(re.findall(r'href="(/[^"]*)"', home.content.decode())) - {"/"}
    assert links, "the home page links somewhere"
    for link in sorted(links):
        assert client.get(link.replace("&amp;", "&")).status_code == 200, link
