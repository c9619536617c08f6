"""The dashboard's one-click hand-over of a case (its date range is helpdesk.date_range)."""

from __future__ import annotations

from typing import Any

from django import forms

from helpdesk.selectors import staff_list
from helpdesk.tenancy import Scope


class HandOverForm(forms.Form):
    """Give a forecast case to an analyst: assigns an unassigned case, reassigns an owned one
    (for the reason "workload")."""

    assignee = forms.ModelChoiceField(queryset=None, label="Hand over to", empty_label=None)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, data: Any = None, *, scope: Scope, auto_id: str = "id_%s") -> None:
        super().__init__(data, auto_id=auto_id)
        self.fields["assignee"].queryset = staff_list(scope=scope).filter(is_active=True).order_by("full_name")
        self.fields["assignee"].label_from_instance = lambda user: user.get_full_name() or user.email
