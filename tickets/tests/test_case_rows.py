"""The case table's rows, drawn in Python (`{% case_rows %}`): every value escaped, the tick box
only with the bulk bar, the account left out for a merchant, the deadline's state and badge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from django.template import engines

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


def _case(**fields):
    values = {
        "number": "SC-1001",
        "subject": '<script>alert("x")</script>',
        "account": SimpleNamespace(name="Bondi & Co"),
        "priority": SimpleNamespace(name="Critical", rank=1),
        "status": "open",
        "get_status_display": lambda: "Open",
        "assignee": None,
        "sla_due_at": NOW + timedelta(minutes=47),
        "updated_at": NOW - timedelta(minutes=12),
        "breached": False,
        "at_risk": False,
    }
    values.update(fields)
    return SimpleNamespace(**values)


def _rows(cases, **context):
    template = engines["django"].from_string("{% load queue_tags %}{% case_rows cases %}")
    return template.render({"cases": cases, "now": NOW, **context})


def test_a_row_escapes_what_the_merchant_typed_and_links_the_case():
    html = _rows([_case()])
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert 'href="/cases/SC-1001/"' in html
    assert "Bondi &amp; Co" in html
    assert "47 min left" in html and "12 min ago" in html
    assert 'class="hd-check"' not in html  # no bulk bar, no tick box


def test_the_bulk_bar_adds_tick_boxes_ticked_for_the_chosen_numbers():
    html = _rows([_case(), _case(number="SC-1002")], bulk=True, selected={"SC-1002"})
    assert 'data-testid="pick-SC-1001">' in html
    assert 'data-testid="pick-SC-1002" checked>' in html


def test_a_merchant_sees_no_account_column():
    merchant = SimpleNamespace(account=SimpleNamespace(name="Bondi & Co"))
    assert "Bondi &amp; Co" not in _rows([_case()], scope=merchant)


def test_breached_at_risk_and_paused_rows():
    breached = _rows([_case(breached=True, sla_due_at=NOW - timedelta(hours=2))])
    assert '<tr class="is-breached">' in breached and 'data-testid="breached"' in breached
    assert "2 h overdue" in breached
    at_risk = _rows([_case(at_risk=True)])
    assert '<tr class="is-risk">' in at_risk and 'data-testid="at-risk"' in at_risk
    paused = _rows([_case(sla_due_at=None, status="waiting_on_customer")])
    assert '<span class="hd-muted">Paused</span>' in paused
