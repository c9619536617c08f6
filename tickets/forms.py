"""Forms of the case pages: the new-case form, its fields, and the actions on one case (the forms
over case lists are in `tickets.list_forms`)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.functional import lazy

from helpdesk.forms import form_field
from helpdesk.models import Store, User
from helpdesk.selectors import staff_list
from helpdesk.tenancy import Scope
from tickets.models import (
    MERCHANT_ESCALATION_REASONS,
    CannedFollowUp,
    Case,
    Category,
    EngineeringState,
    EscalationLevel,
    EscalationReason,
    Priority,
    RaisedBy,
)
from tickets.selectors import RosterEntry, priority_offered, staff_roster
from tickets.services import ReassignReason


def _text(label: str, *, required: bool = True, rows: int = 4, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        max_length=20000,
        strip=True,
    )


def _attachment_help() -> str:
    limit = filesizeformat(settings.ATTACHMENT_MAX_BYTES)
    return f"An image, PDF or plain-text file such as a log or CSV. Up to {limit}."


class AttachmentField(forms.FileField):
    """A file within ATTACHMENT_MAX_BYTES, refused by its size before anything reads it; the
    attachment service then checks its type by content."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(help_text=lazy(_attachment_help, str)(), **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload and upload.size > settings.ATTACHMENT_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {filesizeformat(upload.size)}; attachments may be up to "
                f"{filesizeformat(settings.ATTACHMENT_MAX_BYTES)}."
            )
        return upload


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(AttachmentField):
    """Up to MAX_FILES files, each checked like AttachmentField; cleans to a list (maybe empty)."""

    MAX_FILES = 10

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(widget=MultipleFileInput(), required=False, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        uploads = [upload for upload in (data if isinstance(data, (list, tuple)) else [data]) if upload]
        if len(uploads) > self.MAX_FILES:
            raise forms.ValidationError(f"Attach up to {self.MAX_FILES} files at a time.")
        return [super(AttachmentsField, self).clean(upload, initial) for upload in uploads]


def address_list(text: str) -> list[str]:
    """E-mail addresses typed into one field, split at commas, semicolons or spaces; the case
    service checks each one."""
    return [address for address in re.split(r"[,;\s]+", text) if address]


class PriorityRadioSelect(forms.RadioSelect):
    """Radio buttons that mark the levels which must also be phoned in (`data-must-phone`), so
    the page can show the support numbers as soon as one is chosen."""

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        if getattr(value, "instance", None) is not None and value.instance.must_phone:
            option["attrs"]["data-must-phone"] = "true"
        return option


class PriorityChoiceField(forms.ModelChoiceField):
    """Each level with the criteria that qualify a case for it, as PRODUCT.md asks."""

    phone_note = " (also call us)"

    def label_from_instance(self, obj: Priority) -> str:
        label = f"{obj.name}: {obj.criteria}" if obj.criteria else obj.name
        return f"{label}{self.phone_note}" if obj.must_phone else label


class StaffChoiceField(forms.ModelChoiceField):
    """Staff users by their full name."""

    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name()


class RosterChoiceField(StaffChoiceField):
    """Staff users as "Sam (on shift, 4 open)", from a roster read once (tickets.selectors.staff_roster)."""

    roster: dict[int, RosterEntry] | None = None

    def label_from_instance(self, obj: User) -> str:
        entry = (self.roster or {}).get(obj.pk)
        return entry.label if entry else obj.get_full_name()


def staff_choices(form: forms.Form, name: str, *, scope: Scope) -> None:
    """Offer the scope's active staff in `name`, each with whether they are on shift and their load."""
    field = form_field(form, name, RosterChoiceField)
    roster = staff_roster(scope=scope, now=timezone.now())
    field.roster = roster
    field.queryset = staff_list(scope=scope).filter(pk__in=list(roster)).order_by("full_name", "pk")


class CallerChoiceField(forms.ModelChoiceField):
    """Merchant users by their full name and account."""

    def label_from_instance(self, obj: User) -> str:
        return f"{obj.get_full_name()} ({obj.account.name if obj.account else '-'})"


class CaseDetailsForm(forms.Form):
    """What the portal form and the phone log both ask, as PRODUCT.md's "Collecting information"
    lists: priority with each level's criteria, recent changes, impact, steps to reproduce. The
    view opens one case however often the same content is sent."""

    subject = forms.CharField(max_length=200, strip=True, label="Subject")
    priority = PriorityChoiceField(
        queryset=Priority.objects.none(), widget=PriorityRadioSelect, empty_label=None, label="Priority"
    )
    category = forms.ChoiceField(choices=Category.choices, initial=Category.INCIDENT, label="Category")
    description = _text("What is wrong?", rows=6)
    steps_to_reproduce = _text("Steps to reproduce", required=False)
    recent_changes = _text(
        "Recent changes",
        required=False,
        help_text="What changed lately in the store, its settings or connected systems?",
    )
    business_impact = _text("Business impact", required=False, help_text="Who or what is affected, and how much?")

    def __init__(self, *args: Any, priorities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "priority", forms.ModelChoiceField).queryset = priorities


class CaseOpenForm(CaseDetailsForm):
    """The merchant's portal form."""

    store = forms.ModelChoiceField(
        queryset=Store.objects.none(), required=False, label="Store", empty_label="Not about one store"
    )
    cc_emails = forms.CharField(
        required=False,
        max_length=2000,
        label="Also send updates to (optional)",
        help_text="E-mail addresses, separated by commas. Your account's technical contact and CC list "
        "get them anyway.",
    )
    attachment = AttachmentField(required=False, label="Attach a file (optional)")
    field_order = ["account", "subject", "priority", "category", "store"]

    def __init__(self, *args: Any, priorities: Any, stores: Any, accounts: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, priorities=priorities, **kwargs)
        form_field(self, "store", forms.ModelChoiceField).queryset = stores
        if accounts is not None:  # a partner: the merchant account the case is for
            self.fields["account"] = forms.ModelChoiceField(
                queryset=accounts, label="For which merchant", empty_label="Choose the account"
            )
            self.order_fields(self.field_order)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        store, account = cleaned.get("store"), cleaned.get("account")
        if store is not None and account is not None and store.account_id != account.pk:
            self.add_error("store", "That store belongs to another account.")
        return cleaned

    def clean_cc_emails(self) -> list[str]:
        return address_list(self.cleaned_data["cc_emails"])


class CaseActionForm(forms.Form):
    """A form on the case page. `scope` lets a form offer only the tenant's own choices."""

    def __init__(
        self,
        data: Any = None,
        files: Any = None,
        *,
        scope: Scope,
        case: Case | None = None,
        auto_id: str = "id_%s",
        initial: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(data, files, auto_id=auto_id, initial=initial)
        self.scope, self.case = scope, case


class CommentForm(CaseActionForm):
    body = _text("Message")
    internal = forms.BooleanField(required=False, label="Internal note (not shown to the merchant)")
    file = AttachmentsField(label="Attach files")

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, scope=scope, **kwargs)
        if scope.is_merchant:
            del self.fields["internal"]


class MessageForm(CaseActionForm):
    """A message that goes to the merchant with the action (information request, resolution)."""

    message = _text("Message to the merchant")


class AttachForm(CaseActionForm):
    file = AttachmentField(label="File")
    internal = forms.BooleanField(required=False, label="Staff only (not shown to the merchant)")

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, scope=scope, **kwargs)
        if scope.is_merchant:
            del self.fields["internal"]


class DetailsForm(CaseActionForm):
    """What may change after opening: the merchant's own descriptions and CC addresses, and for
    staff the category. Shown filled in with the case's current values."""

    category = forms.ChoiceField(choices=Category.choices, label="Category")
    steps_to_reproduce = _text("Steps to reproduce", required=False)
    recent_changes = _text("Recent changes", required=False)
    business_impact = _text("Business impact", required=False)
    cc_emails = forms.CharField(
        required=False,
        max_length=2000,
        label="Also send updates to",
        help_text="E-mail addresses, separated by commas.",
    )

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, scope=scope, **kwargs)
        if scope.is_merchant:
            del self.fields["category"]
        if self.case is not None and not self.is_bound:
            for name in self.fields:
                value = getattr(self.case, name)
                self.fields[name].initial = ", ".join(value) if name == "cc_emails" else value

    def clean_cc_emails(self) -> list[str]:
        return address_list(self.cleaned_data["cc_emails"])


class NothingForm(CaseActionForm):
    """Nothing to fill in: the button says it all."""


class ReasonForm(CaseActionForm):
    reason = _text("Why? (optional)", required=False, rows=2)


class EscalateForm(CaseActionForm):
    reason = forms.ChoiceField(
        choices=[(reason.value, reason.label) for reason in EscalationReason if reason in MERCHANT_ESCALATION_REASONS],
        widget=forms.RadioSelect,
        label="Why escalate?",
    )
    notes = _text("What should the support manager know?")


class CallForm(CaseActionForm):
    direction = forms.ChoiceField(
        choices=[("outbound", "I called them"), ("inbound", "They called us")], widget=forms.RadioSelect, label="Call"
    )
    contact = forms.CharField(max_length=200, label="Who was on the call")
    called_at = forms.DateTimeField(
        label="When", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), help_text="In your time zone."
    )
    duration_minutes = forms.IntegerField(min_value=0, max_value=24 * 60, label="Minutes")
    summary = _text("Summary", rows=3)
    internal = forms.BooleanField(required=False, label="Staff only (not shown to the merchant)")


class CannedReplyForm(forms.Form):
    title = forms.CharField(max_length=120, label="Title")
    body = _text(
        "Reply",
        rows=6,
        help_text="Placeholders: {merchant_name}, {case_number}, {case_subject}, {next_deadline} (in the "
        "merchant's time zone), {support_numbers}.",
    )
    follow_up = forms.ChoiceField(choices=CannedFollowUp.choices, required=False, label="Sending it also")


class StaffEscalateForm(CaseActionForm):
    """Staff raise an escalation from the case page: the merchant's, phoned in, or their own call
    for a manager's help; at the level they choose."""

    raised_by = forms.ChoiceField(
        choices=[
            (RaisedBy.MERCHANT, "The merchant escalated (by phone or mail): record it for them"),
            (RaisedBy.ANALYST, "I need a manager's help with this case"),
        ],
        widget=forms.RadioSelect,
        label="Whose escalation is it?",
    )
    reason = forms.ChoiceField(
        choices=[(reason.value, reason.label) for reason in EscalationReason if reason in MERCHANT_ESCALATION_REASONS],
        label="Why",
    )
    level = forms.ChoiceField(choices=EscalationLevel.choices, label="Escalate to")
    notes = _text(
        "What should the manager know?",
        help_text="For a phoned-in escalation, what the merchant said: they see it on their case. "
        "Your own call for help stays among staff.",
    )


class ReassignForm(CaseActionForm):
    assignee = RosterChoiceField(queryset=User.objects.none(), label="Hand over to")
    reason = forms.ChoiceField(choices=list(ReassignReason.LABELS.items()), label="Why")
    note = _text("Note for the history (optional)", required=False, rows=2)

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, scope=scope, **kwargs)
        staff_choices(self, "assignee", scope=scope)


class PriorityForm(CaseActionForm):
    priority = forms.ModelChoiceField(queryset=Priority.objects.none(), label="New priority", empty_label=None)
    reason = _text("Why does the priority change?", rows=2)

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, scope=scope, **kwargs)
        form_field(self, "priority", forms.ModelChoiceField).queryset = priority_offered(tenant=scope.tenant)


class WorkaroundForm(CaseActionForm):
    workaround = _text("Workaround the merchant can use meanwhile")


class EngineeringLinkForm(CaseActionForm):
    reference = forms.CharField(max_length=60, strip=True, label="Engineering reference", help_text="e.g. ENG-4521")
    url = forms.URLField(required=False, label="Link (optional)", assume_scheme="https")
    title = forms.CharField(max_length=200, required=False, strip=True, label="Title (optional)")
    target_release = forms.CharField(
        max_length=40, required=False, strip=True, label="Fix planned for release (optional)", help_text="e.g. 2.4.7"
    )


class EngineeringStateForm(forms.Form):
    state = forms.ChoiceField(choices=EngineeringState.choices, label="State")


class EscalationResolveForm(forms.Form):
    note = _text("What was done", rows=2)


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="What is still wrong?", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000, strip=True
    )


class ConfirmForm(forms.Form):
    """Nothing to fill in: the button is the confirmation."""
