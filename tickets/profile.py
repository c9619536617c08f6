"""The profile page's form: display name, time zone (IANA, from a list) and, for analysts and
managers, weekly shift hours typed per weekday ("09:00-13:00, 14:00-17:30"), each day checked at
its own field."""

from __future__ import annotations

from functools import cache
from typing import Any
from zoneinfo import available_timezones

from django import forms

from helpdesk.forms import form_field
from helpdesk.roles import SHIFT_ROLES
from helpdesk.tenancy import Scope
from tickets.shifts import DAY_NAMES, parse_shift_day, shift_text


@cache
def zone_choices() -> list[tuple[str, str]]:
    zones = sorted(zone for zone in available_timezones() if "/" in zone and not zone.startswith(("Etc/", "SystemV/")))
    return [(zone, zone.replace("_", " ")) for zone in zones]


class ProfileForm(forms.Form):
    full_name = forms.CharField(max_length=150, strip=True, label="Display name", help_text="The name others see.")
    time_zone = forms.ChoiceField(required=False, label="Time zone")

    def __init__(self, *args: Any, scope: Scope, shift_hours: dict[str, list[list[str]]] | None, **kwargs: Any) -> None:
        user = scope.user
        initial = {"full_name": user.full_name, "time_zone": user.time_zone}
        for day, intervals in (shift_hours or {}).items():
            initial[f"shift_{day}"] = shift_text(intervals)
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        fallback = (scope.account.time_zone if scope.account else "") or scope.tenant.time_zone
        field = form_field(self, "time_zone", forms.ChoiceField)
        field.choices = [("", f"The {'account' if scope.account else 'team'}'s zone ({fallback})"), *zone_choices()]
        field.help_text = "Times on every page and in your mail are shown in this zone."
        self.works_shifts = user.role in SHIFT_ROLES
        if self.works_shifts:
            for day, name in DAY_NAMES.items():
                self.fields[f"shift_{day}"] = forms.CharField(
                    required=False,
                    max_length=200,
                    label=name,
                    widget=forms.TextInput(attrs={"placeholder": "e.g. 09:00-13:00, 14:00-17:30", "inputmode": "text"}),
                )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.works_shifts:
            hours = {}
            for day in DAY_NAMES:
                try:
                    hours[day] = parse_shift_day(cleaned.get(f"shift_{day}", ""))
                except forms.ValidationError as error:
                    self.add_error(f"shift_{day}", error)
            cleaned["shift_hours"] = hours
        return cleaned

    def shift_fields(self) -> list[forms.BoundField]:
        return [self[f"shift_{day}"] for day in DAY_NAMES] if self.works_shifts else []

    def profile_fields(self) -> list[forms.BoundField]:
        return [self["full_name"], self["time_zone"]]
