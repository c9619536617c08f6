"""`{% handoff_offers %}`: worked-first cases whose owner's shift is over, for the queue;
`{% assignee user roster %}`: an owner's name with the on-shift dot;
`{% case_rows cases %}`: the rows of a case table;
`roster_entry(roster, pk)`: one staff member's entry of a roster (tickets.selectors.staff_roster)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from helpdesk.roles import STAFF_ROLES
from helpdesk.templatetags.ui import countdown_tag, esc, moment_tag, priority_pill, status_pill
from tickets.selectors import RosterEntry, handoff_candidates

register = template.Library()


@register.inclusion_tag("tickets/_handoff.html", takes_context=True)
def handoff_offers(context: template.Context) -> dict[str, object]:
    scope = getattr(context.get("request"), "scope", None)
    if scope is None or scope.role not in STAFF_ROLES:
        return {"cases": []}
    return {"cases": handoff_candidates(scope=scope, now=timezone.now())}


def roster_entry(roster: dict[int, RosterEntry] | None, pk: int) -> RosterEntry | None:
    return (roster or {}).get(pk)


@register.simple_tag
def assignee(user: Any, roster: dict[int, RosterEntry] | None, empty: str = "—") -> SafeString:
    """An owner's name, with a small on-shift / off-shift dot for staff who keep shift hours;
    `roster` (tickets.selectors.staff_roster) is given to staff pages only."""
    if user is None:
        return mark_safe(esc(empty))  # nosec B308 B703  # escaped
    name = esc(user.get_full_name())
    entry = roster_entry(roster, user.pk)
    if entry is None or entry.on_shift is None:
        return mark_safe(f'<span class="hd-assignee">{name}</span>')  # nosec B308 B703  # escaped
    on = entry.on_shift
    return mark_safe(  # nosec B308 B703  # every value escaped or our own constant
        f'<span class="hd-assignee">{name}<span class="hd-shift {"hd-shift-on" if on else "hd-shift-off"}" '
        f'title="{"On shift" if on else "Off shift"}" data-testid="shift-{int(user.pk)}">'
        f'<span class="hd-dot" aria-hidden="true"></span><span class="visually-hidden">'
        f"{'on shift' if on else 'off shift'}</span></span></span>"
    )


@register.simple_tag(takes_context=True)
def case_rows(context: template.Context, cases: Any) -> SafeString:
    """The rows of a case table (templates/tickets/_case_table.html draws the head): written in
    Python because a list page draws fifty of them and each row holds six components; through the
    template engine they were most of the queue's time. `bulk` in the context adds the tick box
    (ticked when its number is in `selected`); a merchant's scope leaves the account out."""
    now = context.get("now") or timezone.now()
    roster = context.get("roster")
    bulk = bool(context.get("bulk"))
    selected = context.get("selected") or ()
    scope = context.get("scope")
    with_account = not getattr(scope, "account", None)
    link = reverse("case-detail", args=[_NUMBER])  # one reverse for the table, the number put in per row
    rows = (_case_row(c, link, now, roster, bulk, selected, with_account) for c in cases)
    return mark_safe("".join(rows))  # nosec B308 B703  # every value escaped in _case_row


_NUMBER = "CASE-NUMBER"


def _case_row(case: Any, link: str, now: Any, roster: Any, bulk: bool, selected: Any, with_account: bool) -> str:
    number = esc(case.number)
    breached, at_risk = getattr(case, "breached", False), getattr(case, "at_risk", False)
    url = esc(link.replace(_NUMBER, quote(case.number, safe="")))
    cells = []
    if bulk:
        checked = " checked" if case.number in selected else ""
        cells.append(
            f'<td class="hd-check" data-label="Select"><input type="checkbox" class="form-check-input" name="cases" '
            f'value="{number}" form="bulk-form" aria-label="Select {number}" data-testid="pick-{number}"{checked}></td>'
        )
    subject = esc(case.subject)
    cells.append(f'<td class="hd-case-number" data-label="Case"><a href="{url}">{number}</a></td>')
    link = f'<a href="{url}" tabindex="-1" title="{subject}">{subject}</a>'
    cells.append(f'<td class="hd-subject" data-label="Subject">{link}</td>')
    if with_account:
        cells.append(f'<td data-label="Account">{esc(case.account.name)}</td>')
    cells.append(f'<td data-label="Priority">{priority_pill(case.priority)}</td>')
    cells.append(f'<td data-label="Status">{status_pill(case)}</td>')
    cells.append(f'<td class="hd-owner" data-label="Owner">{assignee(case.assignee, roster)}</td>')
    cells.append(f'<td data-label="Next due">{_next_due(case, now, breached, at_risk)}</td>')
    cells.append(f'<td class="hd-updated" data-label="Updated">{moment_tag(case.updated_at, now)}</td>')
    tone = "is-breached" if breached else ("is-risk" if at_risk else "")
    return f'<tr class="{tone}">{"".join(cells)}</tr>'


def _next_due(case: Any, now: Any, breached: bool, at_risk: bool) -> str:
    """The running deadline's countdown (or "Paused" / "—"), and a Breached or At risk badge."""
    state = "breached" if breached else ("at risk" if at_risk else "")
    if case.sla_due_at:
        due = str(countdown_tag(case.sla_due_at, now, state))
    else:
        due = f'<span class="hd-muted">{"Paused" if case.status == "waiting_on_customer" else "—"}</span>'
    if breached:
        return f'{due} <span class="badge late" data-testid="breached">Breached</span>'
    if at_risk:
        return f'{due} <span class="badge risk" data-testid="at-risk">At risk</span>'
    return due
