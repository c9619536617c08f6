"""What the case API views share: the error responses they document, and resolving the case,
analyst, account and requester a request names (unknown names are 400s; another tenant's, 404s)."""

from __future__ import annotations

from rest_framework import status
from rest_framework.response import Response

from helpdesk.api.serializers import ErrorSerializer
from helpdesk.errors import ValidationFailed
from helpdesk.models import Account, User
from helpdesk.roles import STAFF_ROLES
from helpdesk.selectors import account_by_slug, account_list, account_user_by_email, staff_by_email
from helpdesk.tenancy import Scope
from tickets.api import serializers as s
from tickets.models import Case
from tickets.selectors import case_for_api

STAFF = STAFF_ROLES
ERRORS = {code: ErrorSerializer for code in (400, 401, 403, 404, 409, 422, 429)}


def fetch_case(scope: Scope, number: str) -> Case:
    return case_for_api(scope=scope, number=number)


def staff_member(scope: Scope, email: str) -> User:
    user = staff_by_email(tenant=scope.tenant, email=email)
    if user is None:
        raise ValidationFailed(f"No analyst “{email}” in this support team.", errors={"assignee": ["Unknown analyst."]})
    return user


def respond(case: Case, scope: Scope, code: int = status.HTTP_200_OK) -> Response:
    return Response(s.case_data(fetch_case(scope, case.number)), status=code)


def account_named(scope: Scope, slug: str) -> Account:
    """The scope's account with this slug (from a body or query: unknown is a 400). Another
    account's slug, or another tenant's, answers exactly like one that does not exist."""
    if scope.account is not None:
        account = scope.account if slug == scope.account.slug else None
    elif scope.is_merchant:  # a partner: one of its linked accounts
        account = account_list(scope=scope).filter(slug=slug).first()
    else:
        account = account_by_slug(tenant=scope.tenant, slug=slug)
    if account is None:
        raise ValidationFailed(f"No account “{slug}”.", errors={"account": ["Unknown account."]})
    return account


def account_and_requester(scope: Scope, slug: str | None, email: str | None) -> tuple[Account, User]:
    """The account a request is about (a merchant: its own) and the requester (default: the contact)."""
    if scope.is_merchant:
        if not slug and scope.account is None:
            raise ValidationFailed(
                "Name the account the case is for (its slug).", errors={"account": ["Required for partners."]}
            )
        return (account_named(scope, slug) if slug else scope.own_account), scope.user
    if not slug:
        raise ValidationFailed("Name the merchant account (its slug).", errors={"account": ["Required for staff."]})
    account = account_named(scope, slug)
    if not email:
        if account.technical_contact is None:
            raise ValidationFailed(
                f"{slug} has no technical contact: set one, or name the requester.",
                errors={"requester": ["The account has no technical contact."]},
            )
        return account, account.technical_contact
    requester = account_user_by_email(tenant=scope.tenant, account=account, email=email)
    if requester is None:
        raise ValidationFailed(
            f"{email} is not a user of {slug}.", errors={"requester": ["Not a user of the account."]}
        )
    return account, requester
