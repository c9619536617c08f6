"""Forms above and over case lists: the filters (and sort) of the queue and case lists, the
escalations page's filters, and the queue's bulk take/assign bar."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django import forms

from helpdesk.date_range import DateInput
from helpdesk.forms import form_field, quick_selects
from helpdesk.models import Account, User
from helpdesk.selectors import account_list, staff_list
from helpdesk.tenancy import Scope
from sla.models import Metric
from tickets.ages import AGE_CHOICES
from tickets.drill import OUTCOME_CHOICES, SURVEY_CHOICES, Decided, Window
from tickets.forms import StaffChoiceField
from tickets.models import EscalationLevel, EscalationState, Plan, Priority, Status
from tickets.selectors import plan_list, priority_list

SORT_CHOICES = [
    ("", "Work order (most urgent first)"),
    ("due", "Next deadline, soonest first"),
    ("-due", "Next deadline, latest first"),
    ("priority", "Priority, highest first"),
    ("-priority", "Priority, lowest first"),
    ("-updated", "Updated, newest first"),
    ("updated", "Updated, oldest first"),
    ("-number", "Case number, newest first"),
    ("number", "Case number, oldest first"),
]


DRILL_FIELDS = ("metric", "outcome", "survey", "decided_from", "decided_to", "started_from", "started_to")
# The days a drill-down may name: a day in year 1 or 9999 has no midnight in every zone.
DRILL_DAYS = (date(2000, 1, 1), date(2999, 12, 31))


class CaseFilterForm(forms.Form):
    """The filters above a case list (GET). Every choice comes from the user's own tenant; the
    status choices are only those the list can hold (`statuses`)."""

    OWNER_CHOICES = [("", "Anyone"), ("me", "Mine"), ("unassigned", "Unassigned")]
    SLA_CHOICES = [("", "Any"), ("at_risk", "At risk"), ("breached", "Breached")]
    ESCALATED_CHOICES = [("", "Either"), ("yes", "Escalated"), ("no", "Not escalated")]

    q = forms.CharField(required=False, max_length=200, strip=True, label="Number or subject")
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *Status.choices], label="Status")
    priority = forms.ModelChoiceField(
        queryset=Priority.objects.none(), required=False, empty_label="Any priority", label="Priority"
    )
    owner = forms.ChoiceField(required=False, choices=OWNER_CHOICES, label="Owner")
    # One analyst's cases: the managers' dashboard links each analyst's load here.
    assignee = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, empty_label="Any analyst", label="Analyst"
    )
    sla = forms.ChoiceField(required=False, choices=SLA_CHOICES, label="Service level")
    account = forms.ModelChoiceField(
        queryset=Account.objects.none(),
        required=False,
        empty_label="Any account",
        label="Account",
        to_field_name="slug",
    )
    plan = forms.ModelChoiceField(queryset=Plan.objects.none(), required=False, empty_label="Any plan", label="Plan")
    escalated = forms.ChoiceField(required=False, choices=ESCALATED_CHOICES, label="Escalation")
    # How long ago the case was opened: the dashboard's backlog links each age bucket here.
    age = forms.ChoiceField(required=False, choices=[("", "Any age"), *AGE_CHOICES], label="Opened")
    # The dashboard's and reports' trend figures (tickets/drill.py): cases whose target was decided,
    # or whose survey was answered, in a range of the tenant's local days.
    metric = forms.ChoiceField(required=False, choices=[("", "Any target"), *Metric.choices], label="Target")
    outcome = forms.ChoiceField(required=False, choices=OUTCOME_CHOICES, label="Target outcome")
    survey = forms.ChoiceField(required=False, choices=SURVEY_CHOICES, label="Survey")
    decided_from = forms.DateField(required=False, label="Decided or answered from", widget=DateInput)
    decided_to = forms.DateField(required=False, label="Decided or answered until", widget=DateInput)
    started_from = forms.DateField(required=False, label="Target started from", widget=DateInput)
    started_to = forms.DateField(required=False, label="Target started until", widget=DateInput)

    def __init__(
        self, data: Any = None, *, scope: Scope, statuses: Iterable[str] | None = None, sortable: bool = False
    ) -> None:
        super().__init__(data)
        self.scope = scope
        if sortable:
            self.fields["sort"] = forms.ChoiceField(required=False, choices=SORT_CHOICES, label="Sort by")
        form_field(self, "priority", forms.ModelChoiceField).queryset = priority_list(tenant=scope.tenant)
        if statuses is not None:
            allowed = set(statuses)
            form_field(self, "status", forms.ChoiceField).choices = [
                ("", "Any status"),
                *((v, n) for v, n in Status.choices if v in allowed),
            ]
        if scope.is_merchant:
            for name in ("owner", "assignee", "plan", "escalated", *DRILL_FIELDS):
                del self.fields[name]
            if scope.account is not None:  # a merchant has one account; a partner chooses among theirs
                del self.fields["account"]
            else:
                form_field(self, "account", forms.ModelChoiceField).queryset = account_list(scope=scope)
        else:
            form_field(self, "assignee", forms.ModelChoiceField).queryset = staff_list(scope=scope)
            form_field(self, "account", forms.ModelChoiceField).queryset = account_list(scope=scope)
            form_field(self, "plan", forms.ModelChoiceField).queryset = plan_list(tenant=scope.tenant)
        quick_selects(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("decided", "started"):
            for end in ("from", "to"):
                day = data.get(f"{name}_{end}")
                if day is not None and not DRILL_DAYS[0] <= day <= DRILL_DAYS[1]:
                    self.add_error(f"{name}_{end}", "Choose a day between 2000 and 2999.")
            first, last = data.get(f"{name}_from"), data.get(f"{name}_to")
            if first and last and last < first:
                self.add_error(f"{name}_to", "The last day comes before the first.")
        target = data.get("metric") or data.get("outcome")
        if (data.get("decided_from") or data.get("decided_to")) and not (target or data.get("survey")):
            self.add_error("decided_from", "Choose a target, an outcome or a survey for these days.")
        if (data.get("started_from") or data.get("started_to")) and not target:
            self.add_error("started_from", "Choose a target or an outcome for these days.")
        return data

    def _drill(self) -> dict[str, Any]:
        data = self.cleaned_data
        if "metric" not in self.fields:
            return {}
        window = Window.of_days(self.scope.tenant, data["decided_from"], data["decided_to"])
        decided = None
        if data["metric"] or data["outcome"]:
            started = None
            if data["started_from"] or data["started_to"]:
                started = Window.of_days(self.scope.tenant, data["started_from"], data["started_to"])
            decided = Decided(data["metric"] or None, data["outcome"], window, started)
        return {"decided": decided, "survey": (data["survey"], window) if data["survey"] else None}

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for `tickets.selectors.case_list` (none when the form is invalid)."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        owner = data.get("owner")
        escalated = data.get("escalated")
        account = data.get("account")
        return {
            "search": data["q"] or None,
            "status": data["status"] or None,
            "priority": data["priority"],
            "assignee": self.scope.user if owner == "me" else data.get("assignee"),
            "unassigned": owner == "unassigned",
            "at_risk": True if data["sla"] == "at_risk" else None,
            "breached": True if data["sla"] == "breached" else None,
            "account_slug": account.slug if account else None,
            "plan": data.get("plan"),
            "escalated": {"yes": True, "no": False}.get(escalated or ""),
            "age": data.get("age") or None,
            **self._drill(),
        }


class EscalationFilterForm(forms.Form):
    """The escalations page's filters: which state (the open ones by default; resolved ones are
    the history) and which level."""

    state = forms.ChoiceField(
        choices=[("", "Open and acknowledged"), *EscalationState.choices], required=False, label="State"
    )
    level = forms.ChoiceField(choices=[("", "Any level"), *EscalationLevel.choices], required=False, label="Level")

    def chosen(self) -> tuple[str, str]:
        if not self.is_valid():
            return "", ""
        return self.cleaned_data["state"], self.cleaned_data["level"]


class CaseNumbersField(forms.Field):
    """The case numbers ticked in a list (one `cases` value each), at most MAX of them."""

    widget = forms.MultipleHiddenInput
    MAX = 100

    def to_python(self, value: Any) -> list[str]:
        numbers = [str(n).strip() for n in (value or []) if str(n).strip()]
        if not numbers:
            raise forms.ValidationError("Tick at least one case first.", code="required")
        if len(numbers) > self.MAX or any(len(n) > 24 for n in numbers):
            raise forms.ValidationError(f"Tick up to {self.MAX} cases at a time.")
        return list(dict.fromkeys(numbers))


class BulkAssignForm(forms.Form):
    """The queue's action bar: take the ticked cases, or assign them to an analyst."""

    cases = CaseNumbersField(label="Cases")
    action = forms.ChoiceField(choices=[("take", "Take"), ("assign", "Assign")], label="Action")
    assignee = StaffChoiceField(
        queryset=User.objects.none(), required=False, empty_label="Choose an analyst", label="Assign to"
    )

    def __init__(self, data: Any = None, *, scope: Scope) -> None:
        super().__init__(data, auto_id="bulk-%s")
        assignee = form_field(self, "assignee", forms.ModelChoiceField)
        assignee.queryset = staff_list(scope=scope)
        assignee.widget.attrs["class"] = "form-select form-select-sm"
        quick_selects(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "assign" and not data.get("assignee"):
            self.add_error("assignee", "Choose who gets the cases.")
        return data
