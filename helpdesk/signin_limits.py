"""Brute-force protection for sign-in (the site's and the admin's) and password-reset mail.

Each kind of attempt is counted per submitted address and per client IP in the cache (Redis
when configured; per-process memory in the SQLite demo). When either count reaches its limit
within the window, that address or IP is locked out for a whole window, before any password is
checked, so a correct guess during the lockout gains nothing. Counters hold their window's
start and locks their end as timestamps, so the caller's clock (`now`) decides, not the
cache's expiry alone. A refusal names the time left and reads the same whether or not the
address has an account.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

KEY_PREFIX = "signin-limit"


@dataclass(frozen=True)
class Limit:
    kind: str
    setting: str

    @property
    def allowed(self) -> int:
        return int(getattr(settings, self.setting))

    @property
    def window(self) -> int:
        return int(settings.SIGNIN_LIMIT_WINDOW_MINUTES) * 60

    def wait(self, *, address: str, ip: str, now: float) -> int:
        """Seconds until `address` or `ip` may try again; 0 when neither is locked out."""
        ends = cache.get_many([self._key("lock", name) for name in _subjects(address, ip)]).values()
        return max([math.ceil(end - now) for end in ends if end > now], default=0)

    def hit(self, *, address: str, ip: str, now: float) -> None:
        """Count one attempt (a failed sign-in, a reset mail) against the address, the IP, and the pair."""
        for name in [*_subjects(address, ip), _pair(address, ip)]:
            if self._bump(name, now) >= self.allowed and name != _pair(address, ip):
                cache.set(self._key("lock", name), now + self.window, self.window)
                cache.delete_many([self._key("count", name), self._key("since", name)])

    def forgive(self, *, address: str, ip: str) -> None:
        """A successful sign-in clears the address's failures and takes back from the IP's count
        only the ones this address made there: someone spraying other addresses from the same
        IP does not get their count reset by signing in to an account of their own."""
        pair = _pair(address, ip)
        own = cache.get(self._key("count", pair)) or 0
        cache.delete_many([self._key(part, name) for part in ("count", "since") for name in (pair, _address(address))])
        if own and cache.get(self._key("count", _ip(ip))) is not None:
            try:
                left = cache.decr(self._key("count", _ip(ip)), own)
            except ValueError:  # the IP's window ended meanwhile
                return
            if left < 0:  # some of those failures fell in the IP's previous window
                cache.incr(self._key("count", _ip(ip)), -left)

    def _bump(self, name: str, now: float) -> int:
        since = cache.get(self._key("since", name))
        if since is None or since + self.window <= now:
            cache.set_many({self._key("since", name): now, self._key("count", name): 0}, self.window)
        try:
            return cache.incr(self._key("count", name))
        except ValueError:  # expired between the two calls
            cache.set(self._key("count", name), 1, self.window)
            return 1

    def _key(self, part: str, name: str) -> str:
        return f"{KEY_PREFIX}:{self.kind}:{part}:{name}"


SIGN_IN = Limit(kind="signin", setting="SIGNIN_MAX_FAILURES")
PASSWORD_RESET = Limit(kind="reset", setting="PASSWORD_RESET_MAX_REQUESTS")


def _address(address: str) -> str:
    # Hashed: keys are listed by anyone with cache access; addresses need not be.
    return "address:" + hashlib.sha256(address.strip().lower().encode()).hexdigest()[:32]


def _ip(ip: str) -> str:
    return f"ip:{ip}"


def _pair(address: str, ip: str) -> str:
    return f"pair:{_address(address)}:{ip}"


def _subjects(address: str, ip: str) -> list[str]:
    return [_address(address), _ip(ip)] if address else [_ip(ip)]


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or, behind `NUM_PROXIES` trusted proxies, the address
    the outermost of them saw (X-Forwarded-For can be forged left of that, never right of it)."""
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    proxies = int(settings.NUM_PROXIES)
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and forwarded:
        return forwarded[-min(proxies, len(forwarded))]
    return remote


def wait_message(what: str, seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return (
        f"Too many {what} for this address or from your network. For your security, try again in "
        f"{minutes} minute{'s' if minutes != 1 else ''}."
    )
