"""The components written in Python draw exactly what Django's own rendering (or the template
partials they replaced) drew: the same markup, the same escaping, the same instants."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django import forms
from django.template import engines
from django.utils import timezone

from helpdesk.forms import QuickSelect, quick_selects
from helpdesk.templatetags.ui import moment_iso, moment_title


class _Form(forms.Form):
    plain = forms.ChoiceField(choices=[("", "Any"), ("a", "Alpha & <b>"), ("b", 'Be"ta')], required=False)
    grouped = forms.ChoiceField(
        choices=[("", "None"), ("Fruit", [("apple", "Apple"), ("pear", "Pear")]), ("x", "X")], required=False
    )
    text = forms.CharField(required=False)


@pytest.mark.parametrize("data", [None, {"plain": "a", "grouped": "pear"}, {"plain": "<zzz>", "grouped": ""}])
def test_quick_select_draws_what_django_draws(data):
    django_form, quick_form = _Form(data), _Form(data)
    quick_selects(quick_form)
    assert type(quick_form.fields["plain"].widget) is QuickSelect
    assert type(quick_form.fields["text"].widget) is forms.TextInput
    for name in ("plain", "grouped"):
        expected = str(django_form[name])
        got = str(quick_form[name])
        assert _normalised(got) == _normalised(expected), name
    assert "Alpha &amp; &lt;b&gt;" in str(quick_form["plain"])


def _normalised(html: str) -> str:
    """Django's templates put each option on its own line; the browser reads both the same."""
    return "".join(line.strip() for line in html.splitlines())


@pytest.mark.django_db
def test_quick_select_of_a_model_choice_field_marks_the_chosen_object():
    from helpdesk.models import Tenant
    from helpdesk.tests.factories import make_tenant

    make_tenant("other-one")
    tenant_a = make_tenant("chosen-one")

    class TenantForm(forms.Form):
        tenant = forms.ModelChoiceField(queryset=Tenant.objects.all(), empty_label="Any", to_field_name="slug")

    expected = str(TenantForm({"tenant": tenant_a.slug})["tenant"])
    form = TenantForm({"tenant": tenant_a.slug})
    quick_selects(form)
    assert _normalised(str(form["tenant"])) == _normalised(expected)
    assert f'<option value="{tenant_a.slug}" selected>' in str(form["tenant"])


@pytest.mark.parametrize("zone", ["Australia/Sydney", "America/Los_Angeles", "UTC"])
@pytest.mark.parametrize("when", [datetime(2026, 4, 5, 15, 30, tzinfo=UTC), datetime(2026, 12, 24, 23, 5, tzinfo=UTC)])
def test_instants_read_as_the_date_filter_wrote_them(zone, when):
    django = engines["django"].from_string("{{ when|date:'c' }}|{{ when|date:'D j M Y, H:i T' }}")
    with timezone.override(zone):
        assert f"{moment_iso(when)}|{moment_title(when)}" == django.render({"when": when})


def test_countdown_and_pills_escape_what_they_are_given():
    template = engines["django"].from_string(
        "{% load ui %}{% priority_pill p %}{% status_pill c %}{% countdown due now 'at risk' %}{% moment due now %}"
    )
    now = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
    html = template.render(
        {
            "p": SimpleNamespace(name="<Crit>", rank=1),
            "c": SimpleNamespace(status="open", get_status_display=lambda: "Open & <x>"),
            "due": datetime(2026, 12, 2, 10, 47, tzinfo=UTC),
            "now": now,
        }
    )
    assert 'hd-pri-critical"><span class="hd-dot" aria-hidden="true"></span>&lt;Crit&gt;</span>' in html
    assert "Open &amp; &lt;x&gt;" in html
    assert 'class="hd-countdown is-risk"' in html and "47 min left" in html
