"""Fixtures of the SLA settings page tests: both tenants with the StoreConnect preset, and tenant A's admin."""

from __future__ import annotations

import pytest

from sla.presets import STORECONNECT
from tickets.services import preset_apply


@pytest.fixture
def tenant_a_with_preset(world):
    preset_apply(tenant=world.tenant_a, preset=STORECONNECT)
    preset_apply(tenant=world.tenant_b, preset=STORECONNECT)
    return world


@pytest.fixture
def admin_client(client, tenant_a_with_preset):
    client.force_login(tenant_a_with_preset.admin_a)
    return client
