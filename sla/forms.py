"""The SLA targets grid: one row per (metric, priority, plan), edited together as a new version."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django import forms
from django.forms.fields import BaseTemporalField
from django.utils.dateparse import parse_datetime

from helpdesk.forms import form_field
from helpdesk.models import Tenant
from sla.business_time.deadlines import read_in_zone
from sla.models import Calendar, MetBy, Metric, SlaPolicy, SlaTarget, Unit
from sla.services import TargetInput

if TYPE_CHECKING:
    from tickets.models import Plan, Priority


@dataclass(frozen=True)
class Cell:
    metric: str
    priority: Priority
    plan: Plan

    @property
    def prefix(self) -> str:
        return f"{self.metric}-{self.priority.pk}-{self.plan.pk}"


@dataclass(frozen=True)
class GridCell:
    plan: Plan
    prefix: str
    amount: forms.BoundField
    unit: forms.BoundField
    calendar: forms.BoundField
    preview: object | None

    @property
    def errors(self) -> list[str]:
        return [*self.amount.errors, *self.unit.errors, *self.calendar.errors]

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)


@dataclass(frozen=True)
class GridMetric:
    metric: str
    label: str
    rows: list[tuple[Priority, list[GridCell]]]


class ZonedDateTimeField(forms.DateTimeField):
    """A date and time; one without an offset is read in `zone` as quotes read it. Django's own
    field refuses a time that a DST change skips or repeats, where a quote gives an answer."""

    zone: tzinfo = UTC

    def to_python(self, value: Any) -> datetime | None:
        if not isinstance(value, str) or not value.strip():
            return super().to_python(value)
        try:
            moment = parse_datetime(value.strip())
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if moment is None:
            moment = BaseTemporalField.to_python(self, value)  # the other input formats
        return read_in_zone(moment, self.zone) if moment is not None else None


class TargetsForm(forms.Form):
    first_response_met_by = forms.ChoiceField(choices=MetBy.choices, label="First response is met by")
    at_risk_share = forms.DecimalField(
        min_value=Decimal("0.01"), max_value=Decimal("0.99"), decimal_places=2, label="At risk after this share"
    )
    preview_at = ZonedDateTimeField(
        required=False,
        label="Preview for a case opened at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(
        self, *args: Any, tenant: Tenant, plans: list[Plan], priorities: list[Priority], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.tenant = tenant
        form_field(self, "preview_at", ZonedDateTimeField).zone = ZoneInfo(tenant.time_zone)
        self.fields["preview_at"].help_text = f"{tenant.time_zone} time."
        self.plans, self.priorities = plans, priorities
        self.cells = [Cell(m, pr, pl) for m in Metric.values for pr in priorities for pl in plans]
        calendars = Calendar.objects.for_tenant(tenant)
        for cell in self.cells:
            name = f"{Metric(cell.metric).label}, {cell.plan.name}, {cell.priority.name}"
            self.fields[f"{cell.prefix}-amount"] = forms.IntegerField(
                min_value=1,
                required=False,
                label=f"{name}: amount",
                widget=forms.NumberInput(attrs={"min": 1, "class": "form-control form-control-sm hd-amount"}),
            )
            self.fields[f"{cell.prefix}-unit"] = forms.ChoiceField(
                choices=[("", "no target"), *Unit.choices],
                required=False,
                label=f"{name}: unit",
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
            self.fields[f"{cell.prefix}-calendar"] = forms.ModelChoiceField(
                calendars,
                required=False,
                label=f"{name}: calendar",
                empty_label="no calendar (24x7)",
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )

    @classmethod
    def initial_from(cls, policy: SlaPolicy | None, targets: list[SlaTarget], tenant: Tenant) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "first_response_met_by": policy.first_response_met_by if policy else MetBy.REPLY,
            "at_risk_share": policy.at_risk_share if policy else tenant.at_risk_share,
        }
        for t in targets:
            prefix = f"{t.metric}-{t.priority_id}-{t.plan_id}"
            initial.update(
                {f"{prefix}-amount": t.amount, f"{prefix}-unit": t.unit, f"{prefix}-calendar": t.calendar_id}
            )
        return initial

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        for cell in self.cells:
            amount = cleaned.get(f"{cell.prefix}-amount")
            unit = cleaned.get(f"{cell.prefix}-unit")
            calendar = cleaned.get(f"{cell.prefix}-calendar")
            if amount is None and not unit:
                continue  # no explicit target
            if amount is None:
                self.add_error(f"{cell.prefix}-amount", "Give an amount, or clear the unit for no explicit target.")
            if not unit:
                self.add_error(f"{cell.prefix}-unit", "Choose a unit.")
            elif Unit.is_business(unit) and calendar is None:
                self.add_error(f"{cell.prefix}-calendar", "Business time needs a calendar.")
        return cleaned

    def grid(self, previewed: Mapping[str, object]) -> list[GridMetric]:
        """The cells as the page lays them out: per metric, rows of priorities, columns of plans."""
        by_prefix = {cell.prefix: cell for cell in self.cells}
        tables = []
        for metric in Metric.values:
            rows = []
            for priority in self.priorities:
                cells = []
                for plan in self.plans:
                    prefix = by_prefix[f"{metric}-{priority.pk}-{plan.pk}"].prefix
                    amount, unit, calendar = (self[f"{prefix}-{part}"] for part in ("amount", "unit", "calendar"))
                    cells.append(GridCell(plan, prefix, amount, unit, calendar, previewed.get(prefix)))
                rows.append((priority, cells))
            tables.append(GridMetric(metric, Metric(metric).label, rows))
        return tables

    def rows(self) -> Iterator[tuple[Cell, forms.BoundField, forms.BoundField, forms.BoundField]]:
        for cell in self.cells:
            yield cell, self[f"{cell.prefix}-amount"], self[f"{cell.prefix}-unit"], self[f"{cell.prefix}-calendar"]

    def targets(self) -> list[TargetInput]:
        """The targets the form describes (call after is_valid())."""
        found = []
        for cell in self.cells:
            amount = self.cleaned_data.get(f"{cell.prefix}-amount")
            if amount is None:
                continue
            unit = self.cleaned_data[f"{cell.prefix}-unit"]
            calendar = self.cleaned_data.get(f"{cell.prefix}-calendar")
            found.append(TargetInput(cell.plan, cell.priority, cell.metric, amount, unit, calendar))
        return found
