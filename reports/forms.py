"""The dashboard's date range and its one-click hand-over of a case."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms

from helpdesk.selectors import staff_list
from helpdesk.tenancy import Scope

DEFAULT_DAYS = 84  # twelve weeks
MAX_DAYS = 366


class DateInput(forms.DateInput):
    input_type = "date"


class RangeForm(forms.Form):
    """From and to (days in the tenant's zone, both included); empty means the last twelve weeks."""

    start = forms.DateField(required=False, label="From", widget=DateInput)
    end = forms.DateField(required=False, label="To", widget=DateInput)

    def __init__(self, data: Any = None, *, today: date) -> None:
        super().__init__(data)
        self.today = today

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        end = data.get("end") or self.today
        start = data.get("start") or end - timedelta(days=DEFAULT_DAYS - 1)
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
        return self.today - timedelta(days=DEFAULT_DAYS - 1), self.today


class HandOverForm(forms.Form):
    """Give a forecast case to an analyst: assigns an unassigned case, reassigns an owned one
    (for the reason "workload")."""

    assignee = forms.ModelChoiceField(queryset=None, label="Hand over to", empty_label=None)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, data: Any = None, *, scope: Scope, auto_id: str = "id_%s") -> None:
        super().__init__(data, auto_id=auto_id)
        self.fields["assignee"].queryset = staff_list(scope=scope).filter(is_active=True).order_by("full_name")
        self.fields["assignee"].label_from_instance = lambda user: user.get_full_name() or user.email
