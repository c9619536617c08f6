"""Platform forms."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from helpdesk.errors import DomainError
from helpdesk.models import WEBHOOK_EVENTS


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="E-mail", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That e-mail address and password do not match. Check both; the password is case-sensitive.",
    }


class ApiKeyForm(forms.Form):
    user = forms.ModelChoiceField(queryset=None, label="Acts as", help_text="A merchant key sees that account only.")
    name = forms.CharField(max_length=80, required=False, label="Used by")
    expires_at = forms.DateTimeField(required=False, label="Expires (optional)")

    def __init__(self, *args: object, users: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users


class WebhookEndpointForm(forms.Form):
    url = forms.URLField(max_length=500, label="URL", assume_scheme="https")
    events = forms.MultipleChoiceField(choices=[], widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["events"].choices = [(e, e) for e in WEBHOOK_EVENTS]


def add_domain_error(form: forms.Form, error: DomainError, *, renamed: dict[str, str] | None = None) -> None:
    """Show a refused request on the form: the service's message above the form, and each field
    message at its field when the form has that field (`renamed` maps the service's field names
    to the form's). A message already shown at a field is not repeated above."""
    placed: set[str] = set()
    for field, messages in error.errors.items():
        field = (renamed or {}).get(field, field)
        if field in form.fields:
            for message in messages:
                form.add_error(field, message)
            placed.update(messages)
    if error.message not in placed:
        form.add_error(None, error.message)
