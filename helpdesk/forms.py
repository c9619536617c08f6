"""Platform forms."""

from __future__ import annotations

import time as clock
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from helpdesk.branding import logo_content_type, phone_lines
from helpdesk.errors import DomainError
from helpdesk.models import WEBHOOK_EVENTS, User
from helpdesk.signin_limits import SIGN_IN, client_ip, wait_message

FieldT = TypeVar("FieldT", bound=forms.Field)


class QuickSelect(forms.Select):
    """A `<select>` drawn in Python: the same markup as Django's template-rendered Select, at a
    fraction of the cost (Django renders two templates per option; a list page's filters hold a
    dozen selects and every account, analyst and priority of the tenant)."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        final = {"name": name, **self.build_attrs(self.attrs, attrs)}
        chosen = {str(v) for v in self.format_value(value)}
        # Attributes in their order, a True one bare, a False one left out (django/forms/widgets/attrs.html).
        markup = "".join(
            f" {escape(k)}" if v is True else f' {escape(k)}="{escape(v)}"' for k, v in final.items() if v is not False
        )
        return mark_safe(f"<select{markup}>{self._options(self.choices, chosen)}</select>")  # nosec B308 B703  # every part escaped above

    def _options(self, choices: Any, chosen: set[str]) -> str:
        """The options' markup, every value and label escaped."""
        parts = []
        for option_value, label in choices:
            if isinstance(label, list | tuple):  # a group: (group label, [(value, label), …])
                parts.append(f'<optgroup label="{escape(option_value)}">{self._options(label, chosen)}</optgroup>')
                continue
            text = "" if option_value is None else str(option_value)
            picked = " selected" if text in chosen else ""
            parts.append(f'<option value="{escape(text)}"{picked}>{escape(label)}</option>')
        return "".join(parts)


def quick_selects(form: forms.BaseForm) -> None:
    """Draw the form's plain selects with QuickSelect (their attributes and choices kept). A model
    choice's rows are read here, once: the widget draws them and `chosen_rows` hands them on."""
    for field in form.fields.values():
        if type(field.widget) is forms.Select:
            widget = QuickSelect(attrs=field.widget.attrs)
            choices = field.widget.choices
            # iter(): list() of the iterator itself would first ask its len(), a COUNT query.
            widget.choices = list(iter(choices)) if isinstance(field, forms.ModelChoiceField) else choices
            widget.is_required = field.widget.is_required
            field.widget = widget


def chosen_rows(form: forms.BaseForm, name: str) -> dict[Any, Any]:
    """The rows a model choice field of `quick_selects` offers, by primary key ({} when the form
    has no such field): what a page shows in its rows too need not be read again."""
    field = form.fields.get(name)
    if field is None or not isinstance(field.widget, QuickSelect):
        return {}
    values: list[Any] = [value for value, _ in field.widget.choices]
    rows = [value.instance for value in values if hasattr(value, "instance")]  # ModelChoiceIteratorValue's row
    return {row.pk: row for row in rows}


def form_field(form: forms.BaseForm, name: str, kind: type[FieldT]) -> FieldT:
    """`form.fields[name]` as the field class it is (`Form.fields` holds plain `Field`s)."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{type(form).__name__}.{name} is a {type(field).__name__}, not a {kind.__name__}")
    return field


class SignInLimitMixin(AuthenticationForm):
    """Refuses sign-in while the address or the client IP is locked out (before any password is
    checked), counts each failed one, and forgives the address's failures on success."""

    retry_after = 0

    def clean(self) -> dict[str, Any]:
        address = self.cleaned_data.get("username") or ""
        ip = client_ip(self.request) if self.request is not None else "unknown"
        now = clock.time()
        self._refuse_while_locked(address, ip, now)
        try:
            cleaned = super().clean()
        except forms.ValidationError as error:
            if error.code == "invalid_login":
                SIGN_IN.hit(address=address, ip=ip, now=now)
                self._refuse_while_locked(address, ip, now)  # the failure that locks says so at once
            raise
        SIGN_IN.forgive(address=address, ip=ip)
        return cleaned

    def _refuse_while_locked(self, address: str, ip: str, now: float) -> None:
        self.retry_after = SIGN_IN.wait(address=address, ip=ip, now=now)
        if self.retry_after:
            raise forms.ValidationError(wait_message("failed sign-ins", self.retry_after), code="locked_out")


class EmailAuthenticationForm(SignInLimitMixin, AuthenticationForm):
    username = forms.EmailField(
        label="E-mail", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That e-mail address and password do not match. Check both; the password is case-sensitive.",
    }


class AdminSignInForm(SignInLimitMixin, AdminAuthenticationForm):
    """The Django admin's sign-in, under the same limits as the site's."""


class ApiKeyForm(forms.Form):
    user = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="Acts as",
        help_text="A merchant key sees that account only.",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    name = forms.CharField(
        max_length=80,
        required=False,
        label="Used by",
        help_text="What uses the key, e.g. the shop's monitor.",
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    expires_on = forms.DateField(
        required=False,
        label="Expires on (optional)",
        help_text="The key works until the end of this day, in the support desk's time zone.",
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, users: QuerySet[User], zone: ZoneInfo, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone
        form_field(self, "user", forms.ModelChoiceField).queryset = users
        self.fields["expires_on"].widget.attrs["min"] = timezone.localdate(timezone=zone).isoformat()

    def clean_expires_on(self) -> date | None:
        expires_on: date | None = self.cleaned_data.get("expires_on")
        if expires_on is not None and expires_on < timezone.localdate(timezone=self.zone):
            raise forms.ValidationError("Choose today or a later day: the expiry cannot lie in the past.")
        return expires_on

    def expires_at(self) -> datetime | None:
        """The end of the chosen day in the desk's zone (the first instant of the next day)."""
        expires_on: date | None = self.cleaned_data.get("expires_on")
        if expires_on is None:
            return None
        return datetime.combine(expires_on + timedelta(days=1), time.min, tzinfo=self.zone)


class WebhookEndpointForm(forms.Form):
    url = forms.URLField(
        max_length=500,
        label="URL",
        assume_scheme="https",
        help_text="A public https:// address; deliveries follow no redirects.",
        widget=forms.URLInput(attrs={"class": "form-control", "placeholder": "https://example.com/hooks/helpdesk"}),
    )
    events = forms.MultipleChoiceField(choices=[], widget=forms.CheckboxSelectMultiple, label="Events")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "events", forms.MultipleChoiceField).choices = [(e, e) for e in WEBHOOK_EVENTS]


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


class BrandingForm(forms.Form):
    """The tenant's name, colour, logo, support numbers and senior-management address."""

    name = forms.CharField(max_length=120, label="Name shown", help_text="In the top bar, mail and the support policy.")
    brand_colour = forms.RegexField(
        regex=r"^#[0-9a-fA-F]{6}$",
        label="Brand colour",
        help_text="Top bar, buttons and links, as #rrggbb.",
        error_messages={"invalid": "Use a colour such as #1f6feb."},
        widget=forms.TextInput(attrs={"type": "color", "class": "form-control form-control-color"}),
    )
    logo = forms.FileField(
        required=False,
        label="Logo",
        help_text="PNG, JPEG or WebP, at most 512 KB; shown in the top bar next to the name.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    remove_logo = forms.BooleanField(required=False, label="Remove the logo")
    support_phone_numbers = forms.CharField(
        required=False,
        label="Support phone numbers",
        help_text="One per line: the number, then where it is for, e.g. “1-877-282-7436 in the US”.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    senior_management_email = forms.EmailField(
        required=False,
        label="Senior-management address",
        help_text="Receives alerts for top-priority cases; empty: nobody.",
    )

    def clean_support_phone_numbers(self) -> list[str]:
        return phone_lines(self.cleaned_data.get("support_phone_numbers") or "")

    def clean_logo(self) -> Any:
        upload = self.cleaned_data.get("logo")
        if upload:
            logo_content_type(upload)  # raises the message shown at the field
        return upload
