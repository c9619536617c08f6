"""Tenant admin pages for business calendars: the list, and one calendar's hours, public
holidays, explicit holidays, date overrides, its upcoming holidays and an SLA preview on it.

One page handles the calendar's forms (`action` says which); each save is one service call that
also records the change in the settings history, then redirects back (post/redirect/get)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from helpdesk.api.params import id_param
from helpdesk.errors import NotFound, ValidationFailed
from helpdesk.forms import add_domain_error
from helpdesk.roles import ADMIN_ROLES
from helpdesk.selectors import setting_change_list
from helpdesk.tenancy import ScopedRequest, require_scope
from sla.calendar_forms import CalendarForm, HolidayForm, OverrideForm, subdivision_choices
from sla.forms import ZonedDateTimeField
from sla.models import Calendar
from sla.services import (
    calendar_holiday_add,
    calendar_holiday_remove,
    calendar_override_remove,
    calendar_override_set,
    calendar_save,
)
from sla.settings_selectors import (
    calendar_get,
    calendar_holidays,
    calendar_list,
    calendar_overrides,
    calendar_targets,
    preview_explained,
    upcoming_holidays,
)

AREA = "calendars"
HISTORY_ON_PAGE = 10


class PreviewForm(forms.Form):
    preview_at = ZonedDateTimeField(
        required=False,
        label="A case opened at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args: Any, zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["preview_at"]
        assert isinstance(field, ZonedDateTimeField)  # nosec B101  # a type narrowing
        field.zone = ZoneInfo(zone)
        field.help_text = f"{zone} time."

    def instant(self) -> datetime:
        moment = self.cleaned_data.get("preview_at") if self.is_valid() else None
        return moment or timezone.now().replace(second=0, microsecond=0)


@require_scope(ADMIN_ROLES)
def calendars(request: ScopedRequest) -> HttpResponse:
    context = {
        "calendars": calendar_list(scope=request.scope),
        "changes": setting_change_list(scope=request.scope, area=AREA)[:HISTORY_ON_PAGE],
    }
    return render(request, "sla/calendars.html", context)


@require_scope(ADMIN_ROLES)
def calendar_new(request: ScopedRequest) -> HttpResponse:
    if request.GET.get("partial") == "subdivisions":
        return _subdivisions(request)
    form = CalendarForm(request.POST or None, path=request.path)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, None)
        if saved is not None:
            messages.success(request, f"Calendar “{saved.name}” created.")
            return redirect("settings-calendar", pk=saved.pk)
    return render(request, "sla/calendar_new.html", {"form": form})


def _subdivisions(request: ScopedRequest) -> HttpResponse:
    """The subdivision options of the chosen country (htmx swaps them into the select)."""
    choices = [("", "The whole country"), *subdivision_choices(request.GET.get("holiday_country", ""))]
    return render(request, "sla/_subdivision_options.html", {"choices": choices})


def _save(request: ScopedRequest, form: CalendarForm, calendar: Calendar | None) -> Calendar | None:
    data = form.cleaned_data
    try:
        return calendar_save(
            tenant=request.scope.tenant,
            name=data["name"],
            time_zone=data["time_zone"],
            hours=form.hours,
            holiday_country=data["holiday_country"],
            holiday_subdivision=data["holiday_subdivision"],
            calendar=calendar,
            actor=request.user,
        )
    except ValidationFailed as error:
        add_domain_error(form, error)
        return None


@require_scope(ADMIN_ROLES)
def calendar_edit(request: ScopedRequest, pk: int) -> HttpResponse:
    calendar = calendar_get(scope=request.scope, pk=pk)
    if request.GET.get("partial") == "subdivisions":
        return _subdivisions(request)
    forms_shown: dict[str, forms.Form] = {
        "form": CalendarForm(calendar=calendar, path=request.path),
        "holiday_form": HolidayForm(prefix="holiday"),
        "override_form": OverrideForm(prefix="override"),
    }
    if request.method == "POST":
        done = _act(request, calendar, forms_shown)
        if done:
            messages.success(request, done)
            # Back to the same preview, so the admin sees what the change did to the due times.
            preview_at = request.POST.get("preview_at", "")
            query = f"?{urlencode({'preview_at': preview_at})}" if preview_at else ""
            return redirect(reverse("settings-calendar", kwargs={"pk": calendar.pk}) + query)
    preview = PreviewForm(request.GET or None, zone=calendar.time_zone)
    opened_at = preview.instant()
    targets = calendar_targets(scope=request.scope, calendar=calendar)
    context = {
        **forms_shown,
        "calendar": calendar,
        "preview_form": preview,
        "opened_at": opened_at.astimezone(ZoneInfo(calendar.time_zone)),
        "previewed": [
            (t, cell)
            for t, cell in zip(
                targets,
                preview_explained(scope=request.scope, targets=targets, opened_at=opened_at).values(),
                strict=True,
            )
        ],
        "holidays": calendar_holidays(scope=request.scope, calendar=calendar),
        "overrides": calendar_overrides(scope=request.scope, calendar=calendar),
        "upcoming": upcoming_holidays(
            calendar=calendar, today=timezone.now().astimezone(ZoneInfo(calendar.time_zone)).date()
        ),
        "changes": setting_change_list(scope=request.scope, area=AREA)[:HISTORY_ON_PAGE],
    }
    return render(request, "sla/calendar_edit.html", context)


def _act(request: ScopedRequest, calendar: Calendar, shown: dict[str, forms.Form]) -> str:
    """Do what the posted form asks; the success message, or "" with the form's errors shown."""
    action, actor = request.POST.get("action"), request.user
    if action == "holiday-remove":
        holiday = (
            calendar_holidays(scope=request.scope, calendar=calendar)
            .filter(pk=id_param(request.POST.get("holiday"), field="holiday"))
            .first()
        )
        if holiday is None:
            raise NotFound("No such holiday on this calendar.")
        calendar_holiday_remove(calendar=calendar, holiday=holiday, actor=actor)
        return f"Removed the holiday on {holiday.date:%-d %b %Y}."
    if action == "override-remove":
        override = (
            calendar_overrides(scope=request.scope, calendar=calendar)
            .filter(pk=id_param(request.POST.get("override"), field="override"))
            .first()
        )
        if override is None:
            raise NotFound("No such date override on this calendar.")
        calendar_override_remove(calendar=calendar, override=override, actor=actor)
        return f"Removed the hours of {override.date:%-d %b %Y}; the usual hours apply."
    if action == "holiday-add":
        form = shown["holiday_form"] = HolidayForm(request.POST, prefix="holiday")
        if form.is_valid():
            day = form.cleaned_data["date"]
            calendar_holiday_add(calendar=calendar, day=day, name=form.cleaned_data["name"], actor=actor)
            return f"Added the holiday on {day:%-d %b %Y}: the calendar is closed that day."
        return ""
    if action == "override-set":
        override_form = shown["override_form"] = OverrideForm(request.POST, prefix="override")
        if override_form.is_valid():
            day, data = override_form.cleaned_data["date"], override_form.cleaned_data
            try:
                calendar_override_set(
                    calendar=calendar, day=day, intervals=data["intervals"], note=data["note"], actor=actor
                )
            except ValidationFailed as error:
                add_domain_error(override_form, error, renamed={"calendar": "intervals"})
                return ""
            return f"Set the hours of {day:%-d %b %Y}."
        return ""
    calendar_form = shown["form"] = CalendarForm(request.POST, calendar=calendar, path=request.path)
    if calendar_form.is_valid() and _save(request, calendar_form, calendar) is not None:
        return f"Calendar “{calendar.name}” saved. Running clocks keep the deadlines they were given."
    return ""
