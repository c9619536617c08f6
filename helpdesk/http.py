"""The one HTML error path: domain errors raised in views become a page with a clear message."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse

from helpdesk.errors import DomainError
from helpdesk.validators import size_text

ERROR_TITLES = {
    400: "That did not work",
    403: "Not allowed",
    404: "Not found",
    409: "That cannot be done now",
    413: "Too large",
}


def request_body_limit(request: HttpRequest) -> int | None:
    """The most bytes a request body may declare: one attachment plus form fields for multipart
    uploads, DATA_UPLOAD_MAX_MEMORY_SIZE for anything else (JSON, forms, webhooks)."""
    fields = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if fields is None:
        return None
    if request.content_type == "multipart/form-data":
        return settings.ATTACHMENT_MAX_BYTES + fields
    return fields


class RequestBodyLimitMiddleware:
    """Refuse a body over its limit by its declared Content-Length, before a byte of it is read.

    Django caps the form fields it keeps in memory, but not a whole multipart body, and DRF's
    JSON parser reads its body without any cap. The WSGI input is bounded by Content-Length (a
    body without one, such as a chunked one, is never read), so the declared length is the most
    the application can read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0  # Django reads nothing of a body whose length it cannot parse
        limit = request_body_limit(request)
        if limit is not None and declared > limit:
            return _too_large(request, declared, limit)
        return self.get_response(request)


def _too_large(request: HttpRequest, declared: int, limit: int) -> HttpResponse:
    upload = request.content_type == "multipart/form-data"
    if upload:
        message = f"The upload is {size_text(declared)}; files may be up to {size_text(settings.ATTACHMENT_MAX_BYTES)}."
    else:
        message = f"The request body is {size_text(declared)}; it may be up to {size_text(limit)}."
    if request.path.startswith("/api/"):
        return JsonResponse({"message": message, "errors": {"file": [message]} if upload else {}}, status=413)
    # Rendered without the request: the session and scope middleware have not run yet.
    body = render_to_string("error.html", {"title": ERROR_TITLES[413], "message": message})
    return HttpResponse(body, status=413)


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError) or request.path.startswith("/api/"):
            return None
        status = exception.status_code
        context = {"title": ERROR_TITLES.get(status, "That did not work"), "message": exception.message}
        return render(request, "error.html", context, status=status)


def post_or_back(
    page: str, *, keep: tuple[str, ...] = ()
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """An action that only a form posts. A GET of it (the browser following the sign-in page back
    to where a post was interrupted, a bookmark, a reload) goes to the page the action belongs
    to: the URL named `page`, given the URL arguments named in `keep`."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST":
                return view(request, *args, **kwargs)
            return redirect(reverse(page, kwargs={name: kwargs[name] for name in keep}))

        return wrapped

    return decorator


def _error_page(request: HttpRequest, status: int, message: str) -> HttpResponse:
    context = {"title": ERROR_TITLES.get(status, "Something went wrong"), "message": message}
    return render(request, "error.html", context, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        limit = size_text(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        message = f"The form fields are too large: they may be up to {limit} together (files aside)."
        status = 413
    else:
        message, status = "The request could not be understood.", 400
    if request.path.startswith("/api/"):
        return JsonResponse({"message": message, "errors": {}}, status=status)
    return _error_page(request, status, message)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, 403, "Your role does not give access to this page.")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"message": "Not found.", "errors": {}}, status=404)
    return _error_page(request, 404, "There is no such page, or it is not yours to see.")


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"message": "Something went wrong on our side; please try again.", "errors": {}}, status=500
        )
    # No request context: the failure may be in a context processor.
    body = render_to_string("error.html", {"title": "Something went wrong", "message": "Please try again."})
    return HttpResponse(body, status=500)
