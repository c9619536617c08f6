"""`Authorization: Bearer <key>` for the REST API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.crypto import constant_time_compare
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from helpdesk import rls
from helpdesk.models import ApiKey
from helpdesk.services import API_KEY_PREFIX, api_key_hash

LAST_USED_RESOLUTION = timedelta(minutes=1)  # write last_used_at at most once a minute per key


class ApiKeyAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiKey] | None:
        header = get_authorization_header(request).decode(errors="replace").split()
        if not header or header[0] != self.keyword:
            return None
        if len(header) != 2 or not header[1].startswith(API_KEY_PREFIX):
            raise AuthenticationFailed("Send the key as: Authorization: Bearer hk_…")
        with rls.cross_tenant("authenticate an API key"):  # the key names its tenant
            return self._key_user(header[1])

    def _key_user(self, raw: str) -> tuple[Any, ApiKey]:
        prefix = raw.removeprefix(API_KEY_PREFIX).split("_", 1)[0]
        key = ApiKey.objects.select_related("user", "tenant").filter(prefix=prefix).first()
        now = timezone.now()
        if key is None or not constant_time_compare(key.key_hash, api_key_hash(raw)):
            raise AuthenticationFailed("Unknown API key.")
        if not key.is_usable(now) or not key.user.is_active:
            raise AuthenticationFailed("This API key is revoked or expired.")
        if key.last_used_at is None or key.last_used_at < now - LAST_USED_RESOLUTION:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        return key.user, key

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class ApiKeySchema(OpenApiAuthenticationExtension):
    target_class = ApiKeyAuthentication
    name = "apiKey"

    def get_security_definition(self, auto_schema: Any) -> dict:
        return {"type": "http", "scheme": "bearer", "description": "An API key: Authorization: Bearer hk_…"}
