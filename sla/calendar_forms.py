"""Forms of the business calendar settings page: the calendar (zone, public holidays, weekly
hours with several intervals a day or 24 hours), an explicit holiday, and a date override.

Times come from native time inputs; an interval that ends at 00:00 ends at midnight (24:00)."""

from __future__ import annotations

import re
import zoneinfo
from datetime import time
from functools import cache
from typing import Any

import holidays as holidays_package
from django import forms

from helpdesk.forms import form_field
from sla.business_time import WEEKDAYS
from sla.models import Calendar, CalendarOverride
from sla.services.calendars import DAY_NAMES

TIME_ATTRS = {"type": "time", "class": "form-control form-control-sm"}
SLOTS = 3  # interval slots per weekday shown (more when a calendar already has more)
ALL_DAY = ["00:00", "24:00"]
MAX_SUBDIVISION = Calendar._meta.get_field("holiday_subdivision").max_length or 10


@cache
def country_choices() -> list[tuple[str, str]]:
    """(ISO code, name) of every country the `holidays` package knows, by name."""
    found = {}
    for class_name, code, *_ in holidays_package.registry.COUNTRIES.values():
        found[code] = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", class_name)
    return sorted(found.items(), key=lambda item: item[1])


@cache
def subdivision_choices(country: str) -> list[tuple[str, str]]:
    """(code, name) of the country's subdivisions that a calendar can store; [] for none."""
    if country not in dict(country_choices()):
        return []
    names = {code: name for name, code in holidays_package.country_holidays(country).subdivisions_aliases.items()}
    codes = holidays_package.list_supported_countries()[country]
    return [
        (code, f"{names.get(code, code)} ({code})")
        for code in codes
        if len(code) <= MAX_SUBDIVISION and code == code.upper()
    ]


@cache
def zone_choices() -> list[tuple[str, str]]:
    return [(zone, zone) for zone in sorted(zoneinfo.available_timezones()) if "/" in zone or zone == "UTC"]


def _hhmm(moment: time, *, end: bool) -> str:
    text = moment.strftime("%H:%M")
    return "24:00" if end and text == "00:00" else text


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def interval_problems(intervals: list[list[str]]) -> list[tuple[int, str]]:
    """(index, message) for each interval that ends before it starts or overlaps an earlier one."""
    problems = []
    ordered = sorted(range(len(intervals)), key=lambda i: _minutes(intervals[i][0]))
    previous: list[str] | None = None
    for i in ordered:
        start, end = intervals[i]
        if _minutes(end) <= _minutes(start):
            problems.append((i, f"{start}–{end} ends before it starts."))
            continue
        if previous is not None and _minutes(start) < _minutes(previous[1]):
            problems.append((i, f"{start}–{end} overlaps {previous[0]}–{previous[1]}."))
        previous = [start, end] if previous is None or _minutes(end) > _minutes(previous[1]) else previous
    return sorted(problems)


class CalendarForm(forms.Form):
    name = forms.CharField(max_length=60, help_text="How targets refer to it, e.g. “business”.")
    time_zone = forms.ChoiceField(choices=zone_choices, help_text="Open hours are local times of this zone.")
    holiday_country = forms.ChoiceField(required=False, label="Public holidays of", help_text="From `holidays`.")
    holiday_subdivision = forms.CharField(required=False, label="State or region", widget=forms.Select)

    def __init__(self, *args: Any, calendar: Calendar | None = None, path: str = "", **kwargs: Any) -> None:
        if calendar is not None and not args and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(calendar)
        super().__init__(*args, **kwargs)
        country_field = form_field(self, "holiday_country", forms.ChoiceField)
        country_field.choices = [("", "None"), *country_choices()]
        if path:  # choosing a country reloads the subdivisions it has
            country_field.widget.attrs.update(
                {
                    "hx-get": f"{path}?partial=subdivisions",
                    "hx-target": "#id_holiday_subdivision",
                    "hx-swap": "innerHTML",
                }
            )
        country = self.data.get("holiday_country") if self.is_bound else self.initial.get("holiday_country")
        subdivisions = subdivision_choices(country or "")
        subdivision_widget = self.fields["holiday_subdivision"].widget
        assert isinstance(subdivision_widget, forms.Select)  # nosec B101  # a type narrowing
        subdivision_widget.choices = [("", "The whole country"), *subdivisions]
        existing = max((len(v) for v in (calendar.hours.values() if calendar else []) if v != [ALL_DAY]), default=0)
        self.slots = max(SLOTS, existing)
        for day in WEEKDAYS:
            name = DAY_NAMES[day]
            self.fields[f"{day}_all_day"] = forms.BooleanField(required=False, label=f"{name}: open 24 hours")
            for i in range(1, self.slots + 1):
                for edge in ("start", "end"):
                    self.fields[f"{day}_{i}_{edge}"] = forms.TimeField(
                        required=False,
                        label=f"{name}, interval {i}: {'opens' if edge == 'start' else 'closes'}",
                        widget=forms.TimeInput(attrs=TIME_ATTRS, format="%H:%M"),
                    )

    @staticmethod
    def initial_from(calendar: Calendar) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name": calendar.name,
            "time_zone": calendar.time_zone,
            "holiday_country": calendar.holiday_country,
            "holiday_subdivision": calendar.holiday_subdivision,
        }
        for day in WEEKDAYS:
            intervals = calendar.hours.get(day, [])
            if intervals == [ALL_DAY]:
                initial[f"{day}_all_day"] = True
                continue
            for i, (start, end) in enumerate(intervals, start=1):
                initial[f"{day}_{i}_start"] = start
                initial[f"{day}_{i}_end"] = "00:00" if end == "24:00" else end
        return initial

    def days(self) -> list[tuple[str, forms.BoundField, list[tuple[forms.BoundField, forms.BoundField]]]]:
        return [
            (
                DAY_NAMES[day],
                self[f"{day}_all_day"],
                [(self[f"{day}_{i}_start"], self[f"{day}_{i}_end"]) for i in range(1, self.slots + 1)],
            )
            for day in WEEKDAYS
        ]

    def clean_holiday_subdivision(self) -> str:
        country = self.cleaned_data.get("holiday_country") or ""
        subdivision = (self.cleaned_data.get("holiday_subdivision") or "").strip()
        if subdivision and not country:
            raise forms.ValidationError("Choose the country of the public holidays first, or leave this empty.")
        if subdivision and subdivision not in dict(subdivision_choices(country)):
            where = dict(country_choices()).get(country, country)
            raise forms.ValidationError(f"“{subdivision}” is not a subdivision of {where}: choose one from the list.")
        return subdivision

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.hours = {day: self._day_hours(day) for day in WEEKDAYS}
        if not self.errors and not any(self.hours.values()):
            raise forms.ValidationError("The calendar has no open hours at all: give at least one day open hours.")
        return cleaned

    def _day_hours(self, day: str) -> list[list[str]]:
        if self.cleaned_data.get(f"{day}_all_day"):
            return [list(ALL_DAY)]
        intervals, fields = [], []
        for i in range(1, self.slots + 1):
            start, end = self.cleaned_data.get(f"{day}_{i}_start"), self.cleaned_data.get(f"{day}_{i}_end")
            if start is None and end is None:
                continue
            if start is None or end is None:
                missing = f"{day}_{i}_start" if start is None else f"{day}_{i}_end"
                self.add_error(missing, "Give both the opening and the closing time, or neither.")
                continue
            intervals.append([_hhmm(start, end=False), _hhmm(end, end=True)])
            fields.append((f"{day}_{i}_start", f"{day}_{i}_end"))
        for index, message in interval_problems(intervals):
            field = fields[index][1] if "ends before" in message else fields[index][0]
            self.add_error(field, message)
        return sorted(intervals, key=lambda pair: _minutes(pair[0]))


class HolidayForm(forms.Form):
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    name = forms.CharField(max_length=120, required=False, label="Name", help_text="E.g. “Company day”.")


INTERVALS = re.compile(r"^\s*(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})\s*$")


class OverrideForm(forms.Form):
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    intervals = forms.CharField(
        required=False,
        label="Open hours that day",
        help_text="E.g. “09:00–13:00”, several separated by commas; empty closes the day; 00:00–24:00 all day.",
    )
    note = forms.CharField(max_length=120, required=False, label="Note", help_text="E.g. “Christmas Eve”.")

    def clean_intervals(self) -> list[list[str]]:
        text = self.cleaned_data.get("intervals") or ""
        intervals = []
        for part in filter(str.strip, text.split(",")):
            match = INTERVALS.match(part)
            if match is None:
                raise forms.ValidationError(f"“{part.strip()}” is not a time range such as 09:00–13:00.")
            start, end = (f"{int(t.split(':')[0]):02d}:{t.split(':')[1]}" for t in match.groups())
            if _minutes(start) >= 24 * 60 or _minutes(end) > 24 * 60 or int(start[3:]) > 59 or int(end[3:]) > 59:
                raise forms.ValidationError(f"“{part.strip()}” is not a time of day (00:00 to 24:00).")
            intervals.append([start, end])
        problems = interval_problems(intervals)
        if problems:
            raise forms.ValidationError(" ".join(message for _, message in problems))
        return sorted(intervals, key=lambda pair: _minutes(pair[0]))


def override_text(override: CalendarOverride) -> str:
    return ", ".join(f"{a}–{b}" for a, b in override.intervals) or "closed"
