"""Forms of the tenant admin's settings pages for staff, priorities, plans, accounts and the queue."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import validate_email
from django.db.models import QuerySet

from helpdesk.forms import form_field
from helpdesk.models import Role, User
from helpdesk.roles import STAFF_ROLES
from tickets.models import Plan

STAFF_ROLE_CHOICES = [(role.value, role.label) for role in Role if role in STAFF_ROLES]


class StaffInviteForm(forms.Form):
    email = forms.EmailField(label="E-mail", help_text="The invitation with a link to choose a password goes here.")
    full_name = forms.CharField(max_length=150, label="Name")
    role = forms.ChoiceField(choices=STAFF_ROLE_CHOICES, initial=Role.ANALYST, label="Role")


class StaffEditForm(forms.Form):
    role = forms.ChoiceField(choices=STAFF_ROLE_CHOICES, label="Role")
    is_active = forms.BooleanField(
        required=False,
        label="May sign in",
        help_text="Untick to deactivate: they cannot sign in or be given cases; their cases keep their history.",
    )


class AccountSettingsForm(forms.Form):
    plan = forms.ModelChoiceField(queryset=Plan.objects.none(), label="Plan", empty_label=None)
    technical_contact = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="Technical contact",
        empty_label=None,
        help_text="One of the account's merchant users; hears about every case.",
    )
    cc_addresses = forms.CharField(
        required=False,
        label="CC addresses",
        help_text="Copied on case mail; one address per line.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, plans: QuerySet[Plan], merchants: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "plan", forms.ModelChoiceField).queryset = plans
        form_field(self, "technical_contact", forms.ModelChoiceField).queryset = merchants

    def clean_cc_addresses(self) -> list[str]:
        addresses = [
            line.strip() for line in (self.cleaned_data.get("cc_addresses") or "").splitlines() if line.strip()
        ]
        bad = [address for address in addresses if not _is_email(address)]
        if bad:
            raise forms.ValidationError(f"“{bad[0][:80]}” is not an e-mail address.")
        if len(addresses) > 20:
            raise forms.ValidationError("Give at most 20 addresses.")
        return addresses


def _is_email(address: str) -> bool:
    try:
        validate_email(address)
    except forms.ValidationError:
        return False
    return True


class StoreSettingsForm(forms.Form):
    store_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(max_length=120, label="Store name")
    url = forms.URLField(label="Store URL", assume_scheme="https")
    health_url = forms.URLField(
        required=False, label="Health-check URL", assume_scheme="https", help_text="Empty: not monitored."
    )
    check_interval_seconds = forms.IntegerField(
        min_value=30, max_value=86400, initial=60, label="Check every (seconds)"
    )
    failure_threshold = forms.IntegerField(
        min_value=1, max_value=20, initial=3, label="Failed checks before a case opens"
    )
