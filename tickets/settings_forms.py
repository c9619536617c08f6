"""Forms of the tenant admin's settings pages for staff, priorities, plans, accounts and the queue."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import validate_email
from django.db.models import QuerySet

from helpdesk.forms import form_field
from helpdesk.models import Account, Role, User
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


class AssignmentForm(forms.Form):
    auto_assign = forms.BooleanField(
        required=False,
        label="Assign new cases automatically",
        help_text="Each new case goes to an analyst on shift: fewest open cases first, in turn.",
    )
    on_call_email = forms.EmailField(
        required=False,
        label="On-call address",
        help_text="Mailed when a new case finds nobody on shift (with automatic assignment on).",
    )
    team_email = forms.EmailField(
        required=False,
        label="Team address for new unowned cases",
        help_text="Mail new unowned cases here instead of to each analyst; empty: each analyst.",
    )


class PrioritySettingsForm(forms.Form):
    name = forms.CharField(max_length=60, label="Name")
    criteria = forms.CharField(
        required=False,
        label="Criteria",
        help_text="What qualifies a case for this level; merchants read it when they choose.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    worked_first = forms.BooleanField(required=False, label="Worked ahead of all others, whatever their deadlines")
    escalate_on_open = forms.BooleanField(required=False, label="Escalates to senior management when opened")
    must_phone = forms.BooleanField(required=False, label="Must also be reported by phone")
    retired = forms.BooleanField(
        required=False,
        label="Retired: not offered for new cases",
        help_text="Cases at it keep it; it leaves the new-case form, the priority change and the public policy.",
    )


class PlanSettingsForm(forms.Form):
    name = forms.CharField(max_length=60, label="Name")
    retired = forms.BooleanField(
        required=False,
        label="Retired: not offered for new accounts",
        help_text="Accounts and cases on it keep it; no other account can be moved onto it.",
    )


class MerchantInviteForm(forms.Form):
    """A new merchant user of one account, invited by mail to choose a password."""

    email = forms.EmailField(label="E-mail", help_text="The invitation with a link to choose a password goes here.")
    full_name = forms.CharField(max_length=150, label="Name")


class MerchantUserActionForm(forms.Form):
    """What a row's button does to one merchant user."""

    action = forms.ChoiceField(
        choices=[("resend", "Send the invitation again"), ("deactivate", "Deactivate"), ("reactivate", "Reactivate")]
    )


class AccountAddForm(forms.Form):
    """A new merchant account and its first merchant user, who becomes its technical contact."""

    name = forms.CharField(max_length=120, label="Account name")
    slug = forms.SlugField(
        max_length=50,
        label="Short name",
        help_text="Lower-case letters, digits and hyphens, e.g. harbour-homewares; used by the API and imports.",
    )
    plan = forms.ModelChoiceField(queryset=Plan.objects.none(), label="Plan", empty_label=None)
    time_zone = forms.ChoiceField(label="Time zone", help_text="The merchant's users see times in this zone.")
    contact_name = forms.CharField(max_length=150, label="Technical contact's name")
    contact_email = forms.EmailField(
        label="Technical contact's e-mail",
        help_text="Their first merchant user: the invitation with a link to choose a password goes here.",
    )

    def __init__(self, *args: Any, plans: QuerySet[Plan], zones: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "plan", forms.ModelChoiceField).queryset = plans
        form_field(self, "time_zone", forms.ChoiceField).choices = zones


class PartnerInviteForm(forms.Form):
    email = forms.EmailField(label="E-mail", help_text="The invitation with a link to choose a password goes here.")
    full_name = forms.CharField(max_length=150, label="Name", help_text="The person, and the agency in brackets.")
    accounts = forms.ModelMultipleChoiceField(
        queryset=Account.objects.none(),
        label="Works for",
        widget=forms.CheckboxSelectMultiple,
        help_text="They see and open cases for these accounts only.",
    )

    def __init__(self, *args: Any, accounts: QuerySet[Account], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "accounts", forms.ModelMultipleChoiceField).queryset = accounts


class PartnerEditForm(forms.Form):
    accounts = forms.ModelMultipleChoiceField(
        queryset=Account.objects.none(),
        required=False,
        label="Works for",
        widget=forms.CheckboxSelectMultiple,
        help_text="Untick an account to unlink it: its cases leave their portal at once.",
    )
    is_active = forms.BooleanField(
        required=False,
        label="May sign in",
        help_text="Untick to deactivate: they cannot sign in; the cases they opened keep their history.",
    )

    def __init__(self, *args: Any, accounts: QuerySet[Account], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "accounts", forms.ModelMultipleChoiceField).queryset = accounts
