"""What every API view shares: authentication, the tenant scope, roles, the one error format,
rate limits per key, and Idempotency-Key replay on POST."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView, exception_handler

from helpdesk import tenancy
from helpdesk.api.authentication import ApiKeyAuthentication
from helpdesk.errors import DomainError
from helpdesk.idempotency import KEY_LENGTH, idempotency_claim, idempotency_complete
from helpdesk.models import IdempotencyRecord

log = logging.getLogger(__name__)


def error_body(message: str, errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"message": message, "errors": errors or {}}


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error details as {"field": ["message", …]} (nested fields joined with dots)."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = "non_field_errors" if key == "non_field_errors" and not prefix else f"{prefix}{key}"
            flat.update(_flatten(value, f"{name}."))
        return flat
    if isinstance(detail, list) and detail and all(isinstance(item, dict) for item in detail):
        flat = {}
        for index, item in enumerate(detail):
            flat.update(_flatten(item, f"{prefix}{index}."))
        return flat
    items = detail if isinstance(detail, list) else [detail]
    return {prefix.rstrip(".") or "non_field_errors": [str(item) for item in items]}


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    """Every failure as {"message": "...", "errors": {"field": ["..."]}}."""
    if isinstance(exc, IdempotentReplay):
        return exc.response
    if isinstance(exc, DomainError):
        return Response(error_body(exc.message, exc.errors), status=exc.status_code)
    if isinstance(exc, Http404):
        return Response(error_body("Not found."), status=status.HTTP_404_NOT_FOUND)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body("The request is not valid; see errors.", _flatten(exc.detail))
    elif isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait or 1)
        response.data = error_body(f"Too many requests: try again in {wait} second{'s' if wait != 1 else ''}.")
    elif isinstance(exc, exceptions.NotAcceptable):
        response.data = error_body("This API answers in JSON only: send Accept: application/json, or no Accept.")
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        sent = context["request"].content_type or "no Content-Type"
        # Each operation takes one body type (its schema lists it), so name that one.
        accepted = " or ".join(parser.media_type for parser in context["view"].parser_classes)
        response.data = error_body(f"Unsupported body type ({sent}): send {accepted}.")
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        response.data = error_body(str(detail))
    return response


class HasScope(BasePermission):
    """A signed-in tenant user (or key) whose role the view allows."""

    message = "Your role may not do this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        scope = getattr(request, "scope", None)
        if scope is None:
            return False
        roles: Iterable[str] | None = getattr(view, "allowed_roles", None)
        return roles is None or scope.role in roles


class KeyRateThrottle(SimpleRateThrottle):
    """Requests per period per API key (per user for session sign-in), counted in the cache (Redis)."""

    scope = "api"

    def get_rate(self) -> str:
        return settings.API_RATE_LIMIT

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if getattr(request.auth, "prefix", None):
            return f"throttle:key:{request.auth.prefix}"
        if request.user and request.user.is_authenticated:
            return f"throttle:user:{request.user.pk}"
        return f"throttle:ip:{self.get_ident(request)}"


def _refuse_nul_characters(request: Request, path_arguments: dict[str, Any]) -> None:
    """NUL characters cannot be stored or searched; refuse them before anything reads the request."""
    values = {
        **{f"query: {k}": v for k, vs in request.query_params.lists() for v in vs},
        **{f"path: {k}": str(v) for k, v in path_arguments.items()},
        "header: Idempotency-Key": request.headers.get("Idempotency-Key", ""),
    }
    bad = sorted(name for name, value in values.items() if "\x00" in value)
    if bad:
        raise exceptions.ValidationError({name: ["NUL characters are not allowed."] for name in bad})


def _multipart_hash(request: Request) -> str:
    """The content of a multipart request, for Idempotency-Key: its fields, and each file's name
    and bytes streamed from where the parser put it (memory or a temporary file)."""
    digest = hashlib.sha256(request.path.encode() + b"\n")
    for name, values in sorted(request.POST.lists()):
        digest.update(json.dumps(["field", name, values]).encode() + b"\n")
    for name, uploads in sorted(request.FILES.lists()):
        for upload in uploads:
            digest.update(json.dumps(["file", name, upload.name, upload.size]).encode() + b"\n")
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    return digest.hexdigest()


class IdempotentReplay(Exception):
    """Raised to answer a POST with a stored (or refusing) response instead of running it."""

    def __init__(self, response: Response) -> None:
        super().__init__("idempotent replay")
        self.response = response


class ScopedAPIView(APIView):
    """Base of every API view: resolves `request.scope` through helpdesk.tenancy and binds it."""

    authentication_classes = [ApiKeyAuthentication, SessionAuthentication]
    permission_classes = [HasScope]
    throttle_classes = [KeyRateThrottle]
    allowed_roles: Iterable[str] | None = None

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        key = request.headers.get("Idempotency-Key", "").strip()
        self._idempotency = None
        self._idempotency_record: IdempotencyRecord | None = None
        if request.method != "POST" or not key:
            return super().dispatch(request, *args, **kwargs)
        # A multipart body is hashed once parsed (initial): reading it here would hold the whole
        # upload in memory, and its random boundary differs on every retry of the same request.
        multipart = request.content_type == "multipart/form-data"
        body_hash = None if multipart else hashlib.sha256(request.path.encode() + b"\n" + request.body).hexdigest()
        self._idempotency = (key, body_hash)
        with transaction.atomic():
            response = super().dispatch(request, *args, **kwargs)
            record = self._idempotency_record
            if record is not None and 200 <= response.status_code < 300:
                idempotency_complete(record=record, status_code=response.status_code, response=response.data)
            elif record is not None:
                transaction.set_rollback(True)  # a refused request leaves nothing; a retry runs afresh
        return response

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        _refuse_nul_characters(request, kwargs)
        self.perform_authentication(request)
        request.scope = tenancy.scope_for_user(request.user)
        self._scope_token = tenancy.bind_scope(request.scope)
        super().initial(request, *args, **kwargs)
        if self._idempotency is not None:
            key, body_hash = self._idempotency
            self._reserve_idempotency_key(request, key, body_hash or _multipart_hash(request))

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        token = getattr(self, "_scope_token", None)
        if token is not None:
            tenancy.unbind_scope(token)
            self._scope_token = None
        return super().finalize_response(request, response, *args, **kwargs)

    def permission_denied(self, request: Request, message: str | None = None, code: str | None = None) -> None:
        if request.authenticators and not request.successful_authenticator:
            raise exceptions.NotAuthenticated("Sign in, or send an API key: Authorization: Bearer hk_…")
        raise exceptions.PermissionDenied(message or "Your role may not do this.")

    def _reserve_idempotency_key(self, request: Request, key: str, body_hash: str) -> None:
        """Replay the first answer for this key and body, refuse a different body, or reserve it."""
        if len(key) > KEY_LENGTH:
            raise exceptions.ValidationError({"Idempotency-Key": [f"Use at most {KEY_LENGTH} characters."]})
        claim = idempotency_claim(tenant=request.scope.tenant, user=request.user, key=key, request_hash=body_hash)
        if claim.first:
            self._idempotency_record = claim.record
            return
        existing = claim.record
        if existing.request_hash != body_hash:
            raise IdempotentReplay(
                Response(
                    error_body(
                        "This Idempotency-Key was used with a different request; use a new key for a new request.",
                        {"Idempotency-Key": ["Reused with a different body."]},
                    ),
                    status=status.HTTP_422_UNPROCESSABLE_ENTITY,
                )
            )
        if existing.status_code is None:
            raise IdempotentReplay(
                Response(
                    error_body("A request with this Idempotency-Key is still being processed; retry shortly."),
                    status=status.HTTP_409_CONFLICT,
                )
            )
        response = Response(existing.response, status=existing.status_code)
        response["Idempotent-Replayed"] = "true"
        raise IdempotentReplay(response)
