"""InArray keeps IN's meaning and reads the subquery first on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from helpdesk.lookups import InArray
from helpdesk.models import Tenant
from helpdesk.tests.factories import make_tenant

pytestmark = pytest.mark.django_db


def test_in_array_selects_what_in_selects_through_an_array_of_the_subquery():
    tenants = [make_tenant(slug) for slug in ("first-one", "second-one", "third-one")]
    chosen = Tenant.objects.filter(slug__in=["first-one", "third-one"]).order_by().values("pk")
    with CaptureQueriesContext(connection) as queries:
        found = set(Tenant.objects.filter(InArray(F("pk"), chosen)).values_list("slug", flat=True))
    assert found == set(Tenant.objects.filter(pk__in=chosen).values_list("slug", flat=True))
    assert found == {"first-one", "third-one"} and tenants
    assert "= ANY(ARRAY(SELECT" in queries[0]["sql"]
