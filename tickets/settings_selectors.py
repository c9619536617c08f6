"""Reads behind the tenant admin's settings pages of case reference data and staff."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from helpdesk.errors import NotFound
from helpdesk.models import Account, PartnerLink, Role, Store, User
from helpdesk.tenancy import Scope
from sla.models import SlaTarget
from sla.selectors import policy_current
from tickets.models import ACTIVE_STATUSES, AlertRoute, Case, Plan, Priority, QueueSettings, StaffProfile


def staff_settings_list(*, scope: Scope) -> QuerySet[User]:
    """The tenant's staff, active first, each with its shift hours."""
    return (
        User.objects.for_tenant(scope.tenant)
        .staff()
        .select_related("staff_profile")
        .order_by("-is_active", "full_name", "email")
    )


def staff_open_case_counts(*, scope: Scope) -> dict[int, int]:
    """Open cases per owner, by user id (one grouped read)."""
    cases = Case.objects.for_tenant(scope.tenant).filter(status__in=ACTIVE_STATUSES, assignee__isnull=False)
    return dict(cases.values_list("assignee").annotate(n=Count("pk")).values_list("assignee", "n"))


def staff_member_get(*, scope: Scope, pk: int) -> User:
    """One staff member of the scope's tenant (NotFound when missing, a merchant or another tenant's)."""
    user = staff_settings_list(scope=scope).filter(pk=pk).first()
    if user is None:
        raise NotFound("No such staff member.")
    return user


def staff_shift_hours(user: User) -> dict[str, list[list[str]]]:
    try:
        return dict(user.staff_profile.shift_hours)
    except StaffProfile.DoesNotExist:
        return {}


def account_settings_list(*, scope: Scope) -> QuerySet[Account]:
    """The tenant's accounts with plan, contact, and their stores and partner links counted."""
    return (
        Account.objects.for_tenant(scope.tenant)
        .select_related("plan", "technical_contact")
        .annotate(store_count=Count("stores", distinct=True), partner_count=Count("partner_links", distinct=True))
        .order_by("name")
    )


def account_settings_get(*, scope: Scope, pk: int) -> Account:
    account = Account.objects.for_tenant(scope.tenant).select_related("plan", "technical_contact").filter(pk=pk).first()
    if account is None:
        raise NotFound("No such account.")
    return account


def account_merchant_users(*, scope: Scope, account: Account) -> QuerySet[User]:
    """The account's merchant users, active first (partners working for it are not among them:
    they belong to no account, `account_partner_links`)."""
    return (
        User.objects.for_tenant(scope.tenant)
        .filter(account=account, role=Role.MERCHANT)
        .order_by("-is_active", "full_name", "email")
    )


def account_merchants(*, scope: Scope, account: Account) -> QuerySet[User]:
    """The account's active merchant users, who may be its technical contact."""
    return account_merchant_users(scope=scope, account=account).filter(is_active=True).order_by("full_name", "email")


def merchant_user_get(*, scope: Scope, pk: int) -> User:
    """One merchant user of the scope's tenant, with their account (NotFound when missing, not a
    merchant user or another tenant's)."""
    user = (
        User.objects.for_tenant(scope.tenant)
        .filter(role=Role.MERCHANT, account__isnull=False, pk=pk)
        .select_related("account")
        .first()
    )
    if user is None:
        raise NotFound("No such merchant user.")
    return user


def account_stores(*, scope: Scope, account: Account) -> QuerySet[Store]:
    return Store.objects.for_tenant(scope.tenant).filter(account=account).select_related("account")


def account_partner_links(*, scope: Scope, account: Account) -> QuerySet[PartnerLink]:
    return PartnerLink.objects.for_tenant(scope.tenant).filter(account=account).select_related("user")


def account_choices(*, scope: Scope) -> QuerySet[Account]:
    """The tenant's accounts by name: what a partner may be linked to."""
    return Account.objects.for_tenant(scope.tenant).order_by("name")


def partner_settings_list(*, scope: Scope) -> QuerySet[User]:
    """The tenant's partner users, active first, each with its links (and their accounts)."""
    links = PartnerLink.objects.for_tenant(scope.tenant).select_related("account").order_by("account__name")
    return (
        User.objects.for_tenant(scope.tenant)
        .filter(role=Role.PARTNER)
        .prefetch_related(Prefetch("partner_links", queryset=links, to_attr="links"))
        .order_by("-is_active", "full_name", "email")
    )


def partner_settings_get(*, scope: Scope, pk: int) -> User:
    """One partner user of the scope's tenant (NotFound when missing, not a partner or another tenant's)."""
    user = partner_settings_list(scope=scope).filter(pk=pk).first()
    if user is None:
        raise NotFound("No such partner.")
    return user


def queue_settings_get(*, scope: Scope) -> QueueSettings:
    """The tenant's queue settings, or the defaults (unsaved) when none were saved yet."""
    found = QueueSettings.objects.for_tenant(scope.tenant).first()
    return found or QueueSettings(tenant=scope.tenant)


def analysts_with_shifts(*, scope: Scope) -> QuerySet[User]:
    """Active analysts who have shift hours (the only ones automatic assignment picks)."""
    analysts = User.objects.for_tenant(scope.tenant).filter(role=Role.ANALYST, is_active=True)
    return (
        analysts.select_related("staff_profile")
        .exclude(staff_profile__shift_hours={})
        .exclude(staff_profile__isnull=True)
    )


def priority_settings_get(*, scope: Scope, pk: int) -> Priority:
    """One priority of the scope's tenant (NotFound when missing or another tenant's)."""
    found = Priority.objects.for_tenant(scope.tenant).filter(pk=pk).first()
    if found is None:
        raise NotFound("No such priority.")
    return found


def plan_settings_get(*, scope: Scope, pk: int) -> Plan:
    found = Plan.objects.for_tenant(scope.tenant).filter(pk=pk).first()
    if found is None:
        raise NotFound("No such plan.")
    return found


def store_settings_get(*, scope: Scope, pk: int) -> Store:
    found = Store.objects.for_tenant(scope.tenant).select_related("account").filter(pk=pk).first()
    if found is None:
        raise NotFound("No such store.")
    return found


def _case_uses(cases: QuerySet[Case], what: str) -> list[str]:
    counts = cases.aggregate(total=Count("pk"), open=Count("pk", filter=Q(status__in=ACTIVE_STATUSES)))
    if not counts["total"]:
        return []
    total, still_open = counts["total"], counts["open"]
    cases_text = f"{total} case{'s' if total != 1 else ''}"
    open_text = "" if not still_open else " (still open)" if total == 1 else f" ({still_open} of them open)"
    return [f"{cases_text}{open_text} {'name' if total != 1 else 'names'} {what}; their history must stay readable."]


def _target_uses(scope: Scope, targets: QuerySet[SlaTarget]) -> list[str]:
    versions = sorted(set(targets.values_list("policy__version", flat=True)))
    if not versions:
        return []
    current = policy_current(tenant=scope.tenant)
    if current is not None and current.version in versions:
        return [f"The published SLA policy (version {current.version}) has targets for it."]
    listed = ", ".join(str(version) for version in versions)
    return [f"Earlier SLA policy versions ({listed}) have targets for it; their cases keep them."]


def priority_uses(*, scope: Scope, priority: Priority) -> list[str]:
    """Why the priority cannot be removed, one sentence each; empty when nothing refers to it."""
    tenant = scope.tenant
    uses = _case_uses(Case.objects.for_tenant(tenant).filter(priority=priority), "this priority")
    uses += _target_uses(scope, SlaTarget.objects.for_tenant(tenant).filter(priority=priority))
    routes = AlertRoute.objects.for_tenant(tenant).filter(priority=priority).count()
    if routes:
        uses.append(f"{routes} monitoring alert route{'s' if routes != 1 else ''} open cases at it.")
    return uses


def plan_uses(*, scope: Scope, plan: Plan) -> list[str]:
    """Why the plan cannot be removed, one sentence each; empty when nothing refers to it."""
    tenant = scope.tenant
    accounts = list(Account.objects.for_tenant(tenant).filter(plan=plan).values_list("name", flat=True)[:6])
    uses = []
    if accounts:
        shown = ", ".join(accounts[:5]) + (" …" if len(accounts) > 5 else "")
        uses.append(f"Accounts are on it: {shown}.")
    uses += _case_uses(Case.objects.for_tenant(tenant).filter(plan=plan), "this plan")
    return uses + _target_uses(scope, SlaTarget.objects.for_tenant(tenant).filter(plan=plan))


def store_uses(*, scope: Scope, store: Store) -> list[str]:
    """Why the store cannot be removed: cases that name it (they would lose it)."""
    return _case_uses(Case.objects.for_tenant(scope.tenant).filter(store=store), "this store")
