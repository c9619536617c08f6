"""The dashboard's one-click hand-over of a case (its date range is helpdesk.date_range)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from helpdesk.forms import form_field
from helpdesk.models import User
from helpdesk.selectors import staff_list
from helpdesk.tenancy import Scope


class HandOverChoiceField(forms.ModelChoiceField):
    """Staff by full name, else address."""

    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.email


class HandOverForm(forms.Form):
    """Give a forecast case to an analyst: assigns an unassigned case, reassigns an owned one
    (for the reason "workload")."""

    assignee = HandOverChoiceField(queryset=User.objects.none(), label="Hand over to", empty_label=None)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, data: Any = None, *, scope: Scope, auto_id: str = "id_%s") -> None:
        super().__init__(data, auto_id=auto_id)
        self.staff: QuerySet[User] = staff_list(scope=scope).filter(is_active=True).order_by("full_name")
        form_field(self, "assignee", forms.ModelChoiceField).queryset = self.staff
