"""Forms of the tenant admin's settings pages for staff, priorities, plans, accounts and the queue."""

from __future__ import annotations

from django import forms

from helpdesk.models import Role
from helpdesk.roles import STAFF_ROLES

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
