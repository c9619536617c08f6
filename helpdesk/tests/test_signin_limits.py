"""Brute-force protection: failed sign-ins (site and admin) and password-reset mails are limited
per address and per client IP, the refusal says how long to wait, and success resets."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

pytestmark = pytest.mark.django_db
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
LOCKED = "Too many failed sign-ins for this address or from your network. For your security, try again in"


def sign_in(client, email: str, password: str, ip: str = "127.0.0.1", path: str = "/login/"):
    return client.post(path, {"username": email, "password": password}, REMOTE_ADDR=ip)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_five_failures_for_an_address_lock_it_out_even_with_the_right_password_until_the_wait_ends(client, world):
    email = world.analyst_a.email
    with time_machine.travel(START, tick=False) as clock:
        for n in range(4):  # from different IPs: the address's own count locks it
            assert "do not match" in sign_in(client, email, "wrong", ip=f"10.0.0.{n}").content.decode()
        fifth = sign_in(client, email, "wrong", ip="10.0.0.4")
        assert fifth.status_code == 429 and f"{LOCKED} 15 minutes." in fifth.content.decode()
        clock.shift(timedelta(minutes=5, seconds=30))
        refused = sign_in(client, email, world.password, ip="10.0.0.99")
        assert refused.status_code == 429 and refused["Retry-After"] == str(9 * 60 + 30)
        assert f"{LOCKED} 10 minutes." in refused.content.decode() and not signed_in(client)
        clock.shift(timedelta(minutes=9, seconds=30))
        assert sign_in(client, email, world.password, ip="10.0.0.99").status_code == 302 and signed_in(client)


def test_five_failures_from_one_ip_lock_that_ip_out_for_every_address(client, world):
    with time_machine.travel(START, tick=False):
        for n in range(5):
            sign_in(client, f"guess{n}@tenant-a.test", "wrong", ip="203.0.113.7")
        refused = sign_in(client, world.manager_a.email, world.password, ip="203.0.113.7")
        assert refused.status_code == 429 and LOCKED in refused.content.decode() and not signed_in(client)
        assert sign_in(client, world.manager_a.email, world.password, ip="203.0.113.8").status_code == 302


def test_failures_spread_over_more_than_the_window_do_not_lock(client, world):
    email = world.analyst_a.email
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(4):
            sign_in(client, email, "wrong")
        clock.shift(timedelta(minutes=15))
        assert sign_in(client, email, "wrong").status_code == 200  # a new window: one failure so far
        assert sign_in(client, email, world.password).status_code == 302


def test_a_successful_sign_in_resets_the_address_s_failures(client, world):
    email = world.analyst_a.email
    with time_machine.travel(START, tick=False):
        for _ in range(4):
            sign_in(client, email, "wrong")
        assert sign_in(client, email, world.password).status_code == 302
        client.logout()
        for _ in range(4):
            assert sign_in(client, email, "wrong").status_code == 200
        assert sign_in(client, email, world.password).status_code == 302


def test_signing_in_to_one_s_own_account_does_not_reset_the_ip_s_failures_on_other_addresses(client, world):
    """Otherwise one valid account would let its holder spray passwords at everyone else."""
    with time_machine.travel(START, tick=False):
        for n in range(4):
            sign_in(client, f"victim{n}@tenant-a.test", "wrong", ip="198.51.100.1")
        assert sign_in(client, world.merchant_a1.email, world.password, ip="198.51.100.1").status_code == 302
        client.logout()
        assert sign_in(client, "victim9@tenant-a.test", "wrong", ip="198.51.100.1").status_code == 429


def test_an_unknown_address_is_locked_out_exactly_like_a_known_one(client, world):
    def lockout_page(email: str, ip: str) -> str:
        for _ in range(5):
            response = sign_in(client, email, "wrong", ip=ip)
        assert response.status_code == 429
        return re.sub(r'value="[^"]*"', "", response.content.decode())

    with time_machine.travel(START, tick=False):
        assert lockout_page(world.analyst_a.email, "10.1.0.1") == lockout_page("nobody@nowhere.test", "10.1.0.2")


def test_the_admin_sign_in_is_limited_too(client, world):
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            sign_in(client, world.admin_a.email, "wrong", path="/admin/login/")
        refused = sign_in(client, world.admin_a.email, world.password, path="/admin/login/")
        assert f"{LOCKED} 15 minutes." in refused.content.decode() and not signed_in(client)


def reset(client, email: str, ip: str = "127.0.0.1"):
    return client.post("/password-reset/", {"email": email}, REMOTE_ADDR=ip)


@pytest.mark.parametrize("known", [True, False], ids=["known-address", "unknown-address"])
def test_password_reset_mails_are_limited_per_address_and_the_refusal_says_how_long(client, world, known):
    email = world.analyst_a.email if known else "nobody@nowhere.test"
    with time_machine.travel(START, tick=False) as clock:
        for n in range(5):
            assert reset(client, email, ip=f"10.2.0.{n}").status_code == 302
        refused = reset(client, email, ip="10.2.0.50")
        assert refused.status_code == 429 and refused["Retry-After"] == str(15 * 60)
        assert "Too many password-reset requests for this address or from your network" in refused.content.decode()
        assert "try again in 15 minutes." in refused.content.decode()
        assert len(mail.outbox) == (5 if known else 0)
        clock.shift(timedelta(minutes=15))
        assert reset(client, email, ip="10.2.0.50").status_code == 302
        assert len(mail.outbox) == (6 if known else 0)


def test_password_reset_mails_are_limited_per_ip(client, world):
    with time_machine.travel(START, tick=False):
        for n in range(5):
            reset(client, f"someone{n}@nowhere.test", ip="192.0.2.1")
        assert reset(client, world.analyst_a.email, ip="192.0.2.1").status_code == 429
        assert mail.outbox == []
        assert reset(client, world.analyst_a.email, ip="192.0.2.2").status_code == 302
        assert len(mail.outbox) == 1
