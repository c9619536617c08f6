"""The one HTML error path: domain errors raised in views become a page with a clear message."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from helpdesk.errors import DomainError

ERROR_TITLES = {400: "That did not work", 403: "Not allowed", 404: "Not found", 409: "That cannot be done now"}


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
    return _error_page(request, 400, "The request could not be understood.")


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
    from django.template.loader import render_to_string

    body = render_to_string("error.html", {"title": "Something went wrong", "message": "Please try again."})
    return HttpResponse(body, status=500)
