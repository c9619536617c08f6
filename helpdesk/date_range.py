"""The date range of the managers' reports: from and to, days in the tenant's zone, both included."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from django import forms

DEFAULT_DAYS = 84  # twelve weeks
MAX_DAYS = 366


class DateInput(forms.DateInput):
    input_type = "date"


class RangeForm(forms.Form):
    """From and to (days in the tenant's zone, both included); empty means the last `default_days`."""

    start = forms.DateField(required=False, label="From", widget=DateInput)
    end = forms.DateField(required=False, label="To", widget=DateInput)

    def __init__(self, data: Any = None, *, today: date, default_days: int = DEFAULT_DAYS) -> None:
        super().__init__(data)
        self.today, self.default_days = today, default_days

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        end = data.get("end") or self.today
        start = data.get("start") or end - timedelta(days=self.default_days - 1)
        if "start" in self.errors or "end" in self.errors:
            return data
        if end < start:
            self.add_error("end", "The end comes before the start: choose a later day.")
        elif (end - start).days + 1 > MAX_DAYS:
            self.add_error("start", f"Choose at most {MAX_DAYS} days.")
        data["start"], data["end"] = start, end
        return data

    def period(self) -> tuple[date, date]:
        """The chosen days, or the last twelve weeks when nothing (or something wrong) was chosen."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["end"]
        return self.today - timedelta(days=self.default_days - 1), self.today


def instants(start: date, end: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """The instants [start 00:00, the day after end 00:00) of the days start..end in `zone`."""
    return datetime.combine(start, time(), zone), datetime.combine(end + timedelta(days=1), time(), zone)
