"""Text typed into a form whose sending found the session expired, kept until it is shown again.

The sign-in page sits between the POST that failed and the page that can show the form again;
without this, whatever the user typed is lost. The draft lives in the (anonymous) session, which
Django keeps across signing in, under the path the form was posted to, and is handed back once.
Files cannot be kept; the CSRF check has already run, so no other site can plant a draft.
"""

from __future__ import annotations

from django.http import HttpRequest

SESSION_KEY = "drafts"
KEPT_FIELDS_LIMIT = 50
KEPT_TEXT_LIMIT = 20_000
KEPT_DRAFTS_LIMIT = 5
NOT_KEPT = frozenset({"csrfmiddlewaretoken", "version"})


def draft_keep(request: HttpRequest) -> None:
    """Keep the POSTed text fields under the posted path (the newest few drafts only)."""
    fields = {
        name: [value[:KEPT_TEXT_LIMIT] for value in values]
        for name, values in list(request.POST.lists())[:KEPT_FIELDS_LIMIT]
        if name not in NOT_KEPT
    }
    if not fields:
        return
    drafts = dict(request.session.get(SESSION_KEY, {}))
    drafts.pop(request.path, None)
    drafts[request.path] = fields
    request.session[SESSION_KEY] = dict(list(drafts.items())[-KEPT_DRAFTS_LIMIT:])


def draft_take(request: HttpRequest, path: str) -> dict[str, str | list[str]] | None:
    """The draft kept for `path`, as a form's `initial` (removed from the session), or None."""
    drafts = request.session.get(SESSION_KEY)
    if not drafts or path not in drafts:
        return None
    fields = drafts.pop(path)
    request.session[SESSION_KEY] = drafts
    return {name: values[0] if len(values) == 1 else values for name, values in fields.items()}
