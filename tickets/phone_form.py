"""The phone log's form for a new case: the caller, their store, when the call came in and who
owns the case from now on."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from helpdesk.forms import form_field
from helpdesk.models import Store, User
from helpdesk.tenancy import Scope
from tickets.forms import CallerChoiceField, CaseDetailsForm, PriorityChoiceField
from tickets.selectors import staff_roster

# How long after a call it may still be logged with its own time (the SLA clocks start then).
CALL_LOG_WINDOW = timedelta(days=7)
UNASSIGNED = "unassigned"


class StoreChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Store) -> str:
        return f"{obj.name} ({obj.account.name})"


class PhoneCaseForm(CaseDetailsForm):
    """An analyst logs a phone call as a case on a merchant user's behalf: the caller, the store
    (among the caller's account's), when the call came in (in the analyst's zone, not in the
    future) and who owns the case (the analyst who logs it, unless they choose otherwise)."""

    requester = CallerChoiceField(
        queryset=User.objects.none(), label="Caller", help_text="The merchant user on the phone."
    )
    store = StoreChoiceField(
        queryset=Store.objects.none(),
        required=False,
        label="Store",
        empty_label="Not about one store",
        help_text="One of the caller's account's stores.",
    )
    called_at = forms.DateTimeField(
        required=False,
        label="Call time",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": 60}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
    )
    owner = forms.ChoiceField(required=False, label="Owner", help_text="Who works the case from now on.")
    field_order = ["requester", "store", "called_at", "owner"]

    def __init__(self, *args: Any, priorities: Any, merchants: Any, scope: Scope, stores: Any, **kwargs: Any) -> None:
        super().__init__(*args, priorities=priorities, **kwargs)
        self.scope = scope
        form_field(self, "requester", forms.ModelChoiceField).queryset = merchants
        form_field(self, "store", forms.ModelChoiceField).queryset = stores
        form_field(self, "priority", PriorityChoiceField).phone_note = " (must be phoned in)"
        called_at = form_field(self, "called_at", forms.DateTimeField)
        called_at.label = f"Call time ({scope.time_zone})"
        called_at.help_text = "When the call came in; the service-level clocks start then."
        self.fields["called_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        self.roster = staff_roster(scope=scope, now=timezone.now())
        me = self.roster.get(scope.user.pk)
        owners = [(str(pk), entry.label) for pk, entry in self.roster.items() if pk != scope.user.pk]
        form_field(self, "owner", forms.ChoiceField).choices = [
            (str(scope.user.pk), f"Me — {me.label}" if me else "Me"),
            (UNASSIGNED, "Unassigned: leave it in the queue"),
            *owners,
        ]
        self.fields["owner"].initial = str(scope.user.pk)

    def clean_called_at(self) -> datetime | None:
        """The call's time; left empty, None (the case opens now)."""
        called_at: datetime | None = self.cleaned_data["called_at"]
        now = timezone.now()
        if called_at is None:
            return None
        if called_at > now + timedelta(minutes=1):
            raise ValidationError("The call time is in the future: give the time the call came in.")
        if called_at < now - CALL_LOG_WINDOW:
            raise ValidationError("The call was more than 7 days ago: log it with today's time and say when it was.")
        return called_at

    def clean_owner(self) -> User | None:
        """The chosen owner; left empty, the analyst logging the call."""
        value = self.cleaned_data["owner"] or str(self.scope.user.pk)
        if value == UNASSIGNED:
            return None
        return self.roster[int(value)].user if int(value) in self.roster else self.scope.user

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        store, requester = cleaned.get("store"), cleaned.get("requester")
        if store is not None and requester is not None and store.account_id != requester.account_id:
            self.add_error("store", f"That store is not {requester.account.name}'s: choose one of the caller's stores.")
        return cleaned
