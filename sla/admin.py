"""Admin for business calendars (with holidays and overrides) and SLA policy versions."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from helpdesk.admin.scoping import TenantScopedAdmin, TenantScopedInline, admin_user, save_inline_rows
from sla.business_time import InvalidCalendar
from sla.calendar_cache import build_calendar
from sla.models import Calendar, CalendarHoliday, CalendarOverride, SlaPolicy, SlaTarget
from sla.services import calendar_touch


class CalendarForm(forms.ModelForm):
    class Meta:
        model = Calendar
        fields = ["tenant", "name", "time_zone", "hours", "holiday_country", "holiday_subdivision"]
        widgets = {"hours": forms.Textarea(attrs={"rows": 4, "cols": 80})}

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.errors:
            return cleaned
        try:
            build_calendar(
                name=cleaned.get("name", ""),
                time_zone=cleaned.get("time_zone", ""),
                hours=cleaned.get("hours") or {},
                holiday_country=(cleaned.get("holiday_country") or "").upper(),
                holiday_subdivision=(cleaned.get("holiday_subdivision") or "").upper(),
            )
        except InvalidCalendar as error:
            raise forms.ValidationError(str(error)) from None
        except (AttributeError, TypeError):
            raise forms.ValidationError(
                'Hours must map weekdays to intervals, e.g. {"mon": [["09:00", "17:00"]]}.'
            ) from None
        return cleaned


ANY_DAY = date(2000, 1, 3)


class OverrideForm(forms.ModelForm):
    class Meta:
        model = CalendarOverride
        fields = ["date", "intervals", "note"]

    def clean_intervals(self) -> list:
        intervals = self.cleaned_data["intervals"]
        try:
            build_calendar(
                name="check", time_zone="UTC", hours={"mon": [["09:00", "17:00"]]}, overrides={ANY_DAY: intervals}
            )
        except InvalidCalendar as error:
            raise forms.ValidationError(str(error).replace(f"{ANY_DAY.isoformat()}: ", "")) from None
        except (TypeError, ValueError):
            raise forms.ValidationError('Give intervals as [["09:00", "13:00"]], or [] to close the day.') from None
        return intervals


class HolidayInline(TenantScopedInline):
    model = CalendarHoliday


class OverrideInline(TenantScopedInline):
    model = CalendarOverride
    form = OverrideForm


@admin.register(Calendar)
class CalendarAdmin(TenantScopedAdmin):
    form = CalendarForm
    list_display = ["name", "time_zone", "holiday_country", "holiday_subdivision", "revision"]
    list_filter = ["tenant"]
    inlines = [HolidayInline, OverrideInline]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        save_inline_rows(form, formset)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if change:
            calendar_touch(calendar=form.instance)  # loaders rebuild it with the new hours and dates

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        weekdays = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
        return {"hours": json.dumps(weekdays), "time_zone": getattr(admin_user(request).tenant, "time_zone", "UTC")}


class TargetInline(admin.TabularInline):
    model = SlaTarget
    readonly_fields = ("metric", "priority", "plan", "amount", "unit", "calendar")
    fields = readonly_fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("plan", "priority", "calendar")


@admin.register(SlaPolicy)
class SlaPolicyAdmin(TenantScopedAdmin):
    """Versions are read-only here; the targets page publishes new ones."""

    list_display = ["__str__", "created_at", "created_by", "first_response_met_by", "at_risk_share", "note"]
    list_filter = ["tenant"]
    readonly_fields = ("version", "first_response_met_by", "at_risk_share", "note", "created_at", "created_by", "edit")
    fields = readonly_fields
    inlines = [TargetInline]

    @admin.display(description="Change targets")
    def edit(self, obj: SlaPolicy) -> str:
        return format_html('<a href="{}">Edit targets (publishes a new version)</a>', reverse("sla-targets"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
