"""Production: every secret from the environment; refuses to start on the development key."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ANYMAIL, INSECURE_DEFAULT_SECRET_KEY, SECRET_KEY, env, env_bool

if not SECRET_KEY or SECRET_KEY == INSECURE_DEFAULT_SECRET_KEY or len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("SECRET_KEY must be set to a random value of at least 32 characters in production.")

DEBUG = False
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
# The TLS-terminating proxy must set X-Forwarded-Proto (and drop any the client sent): it is how
# Django knows a request came over HTTPS, for the redirect, secure cookies and HSTS.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(365 * 24 * 60 * 60)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
EMAIL_BACKEND = env("EMAIL_BACKEND")
if not EMAIL_BACKEND:
    raise ImproperlyConfigured(
        "EMAIL_BACKEND must name a mail backend in production, e.g. anymail.backends.postmark.EmailBackend."
    )

# Without WEBHOOK_SECRET anymail accepts every post to /anymail/<provider>/inbound/ and /tracking/
# (it only warns), so anyone who learns a case's reply address could comment as the merchant.
_user, _, _password = ANYMAIL.get("WEBHOOK_SECRET", "").partition(":")
if not _user or len(_password) < 16:
    raise ImproperlyConfigured(
        "ANYMAIL_WEBHOOK_SECRET must be set in production to 'user:password' (a random password of at least "
        "16 characters); give the provider's inbound and tracking webhook URLs the same credentials."
    )

# Providers that sign their webhooks: anymail checks the signature when it has the key, so a
# deployment on one of them must have it (anymail would otherwise fail every webhook at run time).
_WEBHOOK_SIGNING_KEYS = {
    "anymail.backends.mailgun.": ["MAILGUN_WEBHOOK_SIGNING_KEY"],
    "anymail.backends.mandrill.": ["MANDRILL_WEBHOOK_KEY"],
    "anymail.backends.mailersend.": ["MAILERSEND_SIGNING_SECRET", "MAILERSEND_INBOUND_SECRET"],
    "anymail.backends.postal.": ["POSTAL_WEBHOOK_KEY"],
}
for _prefix, _keys in _WEBHOOK_SIGNING_KEYS.items():
    _missing = [f"ANYMAIL_{key}" for key in _keys if EMAIL_BACKEND.startswith(_prefix) and not ANYMAIL.get(key)]
    if _missing:
        raise ImproperlyConfigured(f"{', '.join(_missing)} must be set: this provider signs its webhooks.")
