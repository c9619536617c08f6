"""A tenant's reference data for cases: the plan tiers accounts are on, and its priority scheme."""

from __future__ import annotations

from django.db import models

from helpdesk.tenancy import TenantOwned


class Plan(TenantOwned):
    """A plan tier a merchant account is on (Flagship, Emporium, …); SLA targets depend on it."""

    name = models.CharField(max_length=60)
    rank = models.PositiveSmallIntegerField(default=0, help_text="Display order, highest tier first.")
    retired = models.BooleanField(
        default=False, help_text="Not offered for new or changed accounts; the accounts and cases on it keep it."
    )

    class Meta:
        ordering = ["tenant", "rank", "name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="plan_name_unique_per_tenant")]

    def __str__(self) -> str:
        return self.name


class Priority(TenantOwned):
    """One level of a tenant's priority scheme, with the criteria merchants see when choosing it."""

    name = models.CharField(max_length=60)
    rank = models.PositiveSmallIntegerField(help_text="1 is the most urgent.")
    criteria = models.TextField(blank=True, help_text="What qualifies a case for this level, shown to merchants.")
    must_phone = models.BooleanField(default=False, help_text="Must also be reported by phone.")
    escalate_on_open = models.BooleanField(default=False, help_text="Escalate to senior management when opened.")
    worked_first = models.BooleanField(
        default=False, help_text="Open cases at this priority are worked ahead of all others, whatever their deadlines."
    )
    retired = models.BooleanField(
        default=False, help_text="Not offered for new cases or priority changes; the cases at it keep it."
    )

    class Meta:
        ordering = ["tenant", "rank"]
        verbose_name_plural = "priorities"
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="priority_name_unique_per_tenant"),
            models.UniqueConstraint(fields=["tenant", "rank"], name="priority_rank_unique_per_tenant"),
        ]

    def __str__(self) -> str:
        return self.name
