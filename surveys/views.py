"""The survey page (a signed link, no sign-in) and the managers' satisfaction report."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from helpdesk.api.params import id_param
from helpdesk.errors import DomainError, NotFound
from helpdesk.roles import MANAGING_ROLES
from helpdesk.tenancy import ScopedRequest, require_scope
from surveys.forms import FollowUpNoteForm, SurveyForm
from surveys.selectors import follow_up_list, response_for, satisfaction_report, undelivered_invitations
from surveys.services import Answer, SurveyLinkProblem, check_answerable, invitation_from_token, survey_answer
from surveys.services import follow_up_close as close_follow_up
from surveys.services import follow_up_take as take_follow_up


def survey(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = invitation_from_token(token)
    except SurveyLinkProblem as problem:
        return render(request, "surveys/unavailable.html", {"message": problem.message}, status=404)
    recorded = response_for(invitation=invitation)
    if recorded is not None:
        return render(request, "surveys/answered.html", {"invitation": invitation, "answer": recorded})
    try:
        check_answerable(invitation, timezone.now())
    except SurveyLinkProblem as problem:
        return render(request, "surveys/unavailable.html", {"message": problem.message}, status=410)
    form = SurveyForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            survey_answer(invitation=invitation, answer=Answer(**form.cleaned_data))
        except SurveyLinkProblem as problem:
            return render(request, "surveys/unavailable.html", {"message": problem.message}, status=410)
        except DomainError:
            pass  # answered meanwhile (another tab): the page shows the recorded answer
        messages.success(request, "Thank you for your answer.")
        return redirect("survey", token=token)
    return render(request, "surveys/form.html", {"invitation": invitation, "form": form})


@require_scope(MANAGING_ROLES)
def report(request: ScopedRequest) -> HttpResponse:
    tenant = request.scope.tenant
    if request.method == "POST":
        return _follow_up_action(request)
    context = {
        "report": satisfaction_report(tenant=tenant),
        "follow_ups": follow_up_list(tenant=tenant),
        "undelivered": undelivered_invitations(tenant=tenant)[:50],
        "note_form": FollowUpNoteForm(),
    }
    return render(request, "surveys/report.html", context)


def _follow_up_action(request: ScopedRequest) -> HttpResponse:
    follow_up = (
        follow_up_list(tenant=request.scope.tenant)
        .filter(pk=id_param(request.POST.get("follow_up"), field="follow_up"))
        .first()
    )
    if follow_up is None:
        raise NotFound("No such follow-up.")
    if "take" in request.POST:
        take_follow_up(follow_up=follow_up, actor=request.user)
        messages.success(request, "The follow-up is yours.")
    else:
        form = FollowUpNoteForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Say what was done before closing the follow-up.")
            return redirect("satisfaction-report")
        close_follow_up(follow_up=follow_up, actor=request.user, note=form.cleaned_data["note"])
        messages.success(request, "The follow-up is closed.")
    return redirect("satisfaction-report")
