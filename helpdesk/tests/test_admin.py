"""The Django admin: superusers see everything, a tenant admin only their own tenant."""

from __future__ import annotations

import pytest

from helpdesk.models import Account, Role, Store, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_a_client(client, world):
    client.force_login(world.admin_a)
    return client


def test_tenant_admin_lists_only_own_tenant(admin_a_client, world):
    for url, own, foreign in [
        ("/admin/helpdesk/account/", "Alpha One", "Bravo One"),
        ("/admin/helpdesk/store/", "Alpha Two store", "Bravo One store"),
        ("/admin/helpdesk/user/", world.analyst_a.email, world.analyst_b.email),
    ]:
        body = admin_a_client.get(url).content.decode()
        assert own in body, url
        assert foreign not in body, url


def test_tenant_admin_cannot_open_another_tenants_rows(admin_a_client, world):
    for obj in (world.account_b1, world.account_b1.stores.first(), world.analyst_b):
        url = f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"
        missing = f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/999999/change/"
        foreign, absent = admin_a_client.get(url, follow=True), admin_a_client.get(missing, follow=True)
        assert foreign.redirect_chain[-1][0] == absent.redirect_chain[-1][0] == "/admin/"
        # The same message as for a row that does not exist: nothing about whose row it is.
        assert f"with ID “{obj.pk}” doesn’t exist" in foreign.content.decode()
        assert "with ID “999999” doesn’t exist" in absent.content.decode()


def test_tenant_admin_has_no_tenant_or_platform_pages(admin_a_client):
    assert admin_a_client.get("/admin/helpdesk/tenant/").status_code == 403
    assert admin_a_client.get("/admin/auth/group/").status_code == 403


def test_tenant_admin_creates_an_account_user_in_own_tenant(admin_a_client, world):
    response = admin_a_client.post(
        "/admin/helpdesk/user/add/",
        {
            "email": "new.merchant@alpha-one.test",
            "full_name": "New Merchant",
            "role": Role.MERCHANT,
            "account": world.account_a1.pk,
            "password1": "s3cret-enough-pw",
            "password2": "s3cret-enough-pw",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email="new.merchant@alpha-one.test")
    assert user.tenant == world.tenant_a and user.account == world.account_a1


def test_tenant_admin_cannot_attach_a_user_to_another_tenants_account(admin_a_client, world):
    response = admin_a_client.post(
        "/admin/helpdesk/user/add/",
        {
            "email": "sneaky@x.test",
            "role": Role.MERCHANT,
            "account": world.account_b1.pk,
            "password1": "s3cret-enough-pw",
            "password2": "s3cret-enough-pw",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not User.objects.filter(email="sneaky@x.test").exists()


def test_role_and_account_mismatch_is_a_form_error_not_a_crash(admin_a_client, world):
    response = admin_a_client.post(
        "/admin/helpdesk/user/add/",
        {"email": "a@x.test", "role": Role.ANALYST, "account": world.account_a1.pk, "password1": "x", "password2": "x"},
    )
    assert response.status_code == 200
    assert "leave it empty for staff" in response.content.decode()


def test_tenant_admin_adds_a_store_only_to_own_accounts(admin_a_client, world):
    ok = admin_a_client.post(
        "/admin/helpdesk/store/add/",
        {
            "account": world.account_a2.pk,
            "name": "Second",
            "url": "https://two.example/",
            "check_interval_seconds": 60,
            "failure_threshold": 3,
        },
    )
    assert ok.status_code == 302
    assert Store.objects.get(name="Second").tenant == world.tenant_a
    refused = admin_a_client.post(
        "/admin/helpdesk/store/add/", {"account": world.account_b1.pk, "name": "Evil", "url": "https://x.example/"}
    )
    assert refused.status_code == 200 and not Store.objects.filter(name="Evil").exists()


def test_account_contact_must_be_one_of_its_users(admin_a_client, world):
    account = world.account_a1
    data = {
        "slug": account.slug,
        "name": account.name,
        "plan": account.plan_id,
        "time_zone": account.time_zone,
        "technical_contact": world.merchant_a2.pk,
        "cc_addresses": '["ops@alpha.test"]',
        "stores-TOTAL_FORMS": 0,
        "stores-INITIAL_FORMS": 0,
    }
    response = admin_a_client.post(f"/admin/helpdesk/account/{account.pk}/change/", data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()  # never offered: not this account's
    data["technical_contact"] = world.merchant_a1.pk
    data["cc_addresses"] = '["not-an-address"]'
    response = admin_a_client.post(f"/admin/helpdesk/account/{account.pk}/change/", data)
    assert "is not a valid e-mail address" in response.content.decode()
    data["cc_addresses"] = '["ops@alpha.test"]'
    assert admin_a_client.post(f"/admin/helpdesk/account/{account.pk}/change/", data).status_code == 302
    assert Account.objects.get(pk=account.pk).cc_addresses == ["ops@alpha.test"]


@pytest.mark.parametrize("actor", ["analyst_a", "manager_a", "merchant_a1"])
def test_other_roles_have_no_admin(client, world, actor):
    client.force_login(getattr(world, actor))
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_platform_superuser_sees_every_tenant(client, world):
    client.force_login(User.objects.create_superuser("root@platform.test", "pw"))
    body = client.get("/admin/helpdesk/account/").content.decode()
    assert "Alpha One" in body and "Bravo One" in body
    assert client.get("/admin/helpdesk/tenant/").status_code == 200


def _rows_outside(rows, tenant) -> list[str]:
    """Rows of another tenant among `rows` (rows of models without a tenant are platform rows)."""
    model = rows.model
    if not any(f.name == "tenant" for f in model._meta.get_fields()):
        return [str(row) for row in rows] if model._meta.model_name == "tenant" else []
    return [str(row) for row in rows.exclude(tenant_id=tenant.pk)]


def test_every_admin_filter_and_choice_offers_only_the_tenants_own_rows(rf, world, setup_a, setup_b):
    """Walk every registered admin as tenant A's admin, with tenant B full of rows: no list
    filter and no form choice (add and change forms, inlines) names one of B's rows."""
    from django.contrib import admin
    from django.contrib.admin.filters import RelatedFieldListFilter
    from django.forms import ModelChoiceField

    found = []
    for model, model_admin in admin.site._registry.items():
        request = rf.get(f"/admin/{model._meta.app_label}/{model._meta.model_name}/")
        request.user = world.admin_a
        if not model_admin.has_view_permission(request):
            continue
        for spec in model_admin.get_changelist_instance(request).filter_specs:
            if isinstance(spec, RelatedFieldListFilter):
                rows = spec.field.related_model._default_manager.filter(pk__in=[pk for pk, _ in spec.lookup_choices])
                found += [(model.__name__, spec.title, row) for row in _rows_outside(rows, world.tenant_a)]
        obj = model_admin.get_queryset(request).first()
        for instance in {None, obj}:
            forms = [model_admin.get_form(request, instance)()]
            for formset, inline in model_admin.get_formsets_with_inlines(request, instance):
                rows = formset(instance=instance or model(), queryset=inline.get_queryset(request))
                forms += [*rows.forms, rows.empty_form]
            for form in forms:
                for name, field in form.fields.items():
                    if isinstance(field, ModelChoiceField) and not field.widget.is_hidden:  # hidden: no choices shown
                        found += [(model.__name__, name, row) for row in _rows_outside(field.queryset, world.tenant_a)]
    assert found == [], found


def test_the_technical_contact_is_chosen_among_the_accounts_own_merchants(admin_a_client, world):
    page = admin_a_client.get(f"/admin/helpdesk/account/{world.account_a1.pk}/change/").content.decode()
    contact_select = page.split('name="technical_contact"')[1].split("</select>")[0]
    assert f'value="{world.merchant_a1.pk}"' in contact_select
    for other in (world.analyst_a, world.admin_a, world.merchant_a2):
        assert f'value="{other.pk}"' not in contact_select
