"""Demo cases for the two demo tenants: every status, at risk, breached and escalated cases, with
conversations, notes, an engineering link and a workaround. Times are relative to now, so the
queue looks alive whenever the demo is seeded. Text follows the seed documents' examples."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from helpdesk.models import Account, Tenant, User
from sla.calendar_cache import load_calendar
from sla.models import Calendar
from surveys.models import SurveyInvitation
from surveys.services import Answer, survey_answer
from tickets.models import Case, Category, Channel, EngineeringState, EscalationReason, Priority
from tickets.services import (
    ReassignReason,
    case_assign,
    case_confirm_resolution,
    case_open,
    case_propose_resolution,
    case_reassign,
    case_record_workaround,
    case_reopen,
    case_request_information,
    comment_add,
    engineering_issue_link,
    engineering_issue_set_state,
    escalation_raise,
)
from tickets.sla_sweeps import sweep_breaches, sweep_warnings

H = timedelta(hours=1)


@dataclass
class Cast:
    tenant: Tenant
    analyst: User
    analyst2: User
    now: datetime

    def account(self, slug: str) -> Account:
        return Account.objects.for_tenant(self.tenant).select_related("technical_contact").get(slug=slug)

    def priority(self, name: str) -> Priority:
        return Priority.objects.for_tenant(self.tenant).get(name=name)

    def open(self, slug: str, priority: str, subject: str, description: str, at: datetime, **fields) -> Case:
        account = self.account(slug)
        return case_open(
            tenant=self.tenant,
            account=account,
            requester=account.technical_contact,
            subject=subject,
            description=description,
            priority=self.priority(priority),
            store=account.stores.for_tenant(self.tenant).first(),
            at=at,
            **fields,
        )

    def business_hours_ago(self, hours: float) -> datetime:
        calendar = Calendar.objects.for_tenant(self.tenant).get(name="business")
        return load_calendar(calendar).business.subtract_business_time(self.now, timedelta(hours=hours))


def seed_demo_cases(*, tenant: Tenant, now: datetime | None = None) -> None:
    """Give a demo tenant its case load, once: a tenant that has cases is left alone."""
    if Case.objects.for_tenant(tenant).exists():
        return
    staff = User.objects.for_tenant(tenant)
    cast = Cast(
        tenant=tenant,
        analyst=staff.get(email=f"analyst@{tenant.slug}.test"),
        analyst2=staff.get(email=f"analyst2@{tenant.slug}.test"),
        now=now or timezone.now(),
    )
    {"storeconnect": _storeconnect, "magento-oms": _magento}[tenant.slug](cast)
    sweep_warnings(now=cast.now)
    sweep_breaches(now=cast.now)
    _answer_surveys(cast)


def _answer_surveys(c: Cast) -> None:
    """The closed demo case's survey: a glowing answer at storeconnect, a low score to follow up at magento-oms."""
    answer = {
        "storeconnect": Answer(5, 5, 5, 4, "Quick, friendly and clear."),
        "magento-oms": Answer(2, 3, 2, 2, "Helpful in the end, but it took three days to get a real answer."),
    }[c.tenant.slug]
    for invitation in SurveyInvitation.objects.for_tenant(c.tenant).order_by("pk")[:1]:
        survey_answer(invitation=invitation, answer=answer, at=invitation.created_at + 3 * H)


def _storeconnect(c: Cast) -> None:
    _storeconnect_new(c)
    _storeconnect_gateway(c)
    _storeconnect_waiting_and_resolved(c)
    _storeconnect_reopened_at_risk_breached(c)
    _storeconnect_escalated_and_monitored(c)


def _storeconnect_new(c: Cast) -> None:
    now = c.now
    c.open(
        "bondi-bakes",
        "Medium",
        "Training on exporting orders for our new staff",
        "Two new team members start on Monday. Could someone walk them through exporting orders to CSV?",
        now - 2 * H,
        category=Category.TRAINING,
    )


def _storeconnect_gateway(c: Cast) -> None:
    analyst = c.analyst
    gateway = c.open(
        "koala-kitchen",
        "High",
        "Payment gateway errors for some customers",
        "About one in ten customers gets 'card declined' at checkout although the bank approves the payment.",
        c.business_hours_ago(14),
        recent_changes="We switched on 3-D Secure in the gateway settings last Friday.",
        business_impact="We lose around 15 orders a day.",
        steps_to_reproduce="Add any item to the cart, pay with a Visa card that requires 3-D Secure.",
    )
    case_assign(case=gateway, actor=analyst, assignee=analyst, at=gateway.opened_at + H)
    comment_add(
        case=gateway,
        actor=analyst,
        body="Thanks for the detail. We can reproduce it with 3-D Secure cards and are checking with engineering.",
        at=gateway.opened_at + 2 * H,
    )
    comment_add(
        case=gateway,
        actor=analyst,
        body="Gateway callback times out after 10 s when the bank's challenge page is slow.",
        public=False,
        at=gateway.opened_at + 3 * H,
    )
    engineering_issue_link(
        case=gateway,
        actor=analyst,
        reference="SC-ENG-311",
        url="https://tracker.storeconnect.test/SC-ENG-311",
        title="3-D Secure callback timeout",
        at=gateway.opened_at + 3 * H,
    )
    case_record_workaround(
        case=gateway,
        actor=analyst,
        workaround="Offer PayPal at checkout while the callback fix is released; it bypasses the timeout.",
        at=gateway.opened_at + 4 * H,
    )


def _storeconnect_waiting_and_resolved(c: Cast) -> None:
    now, analyst = c.now, c.analyst
    stale = c.open(
        "harbour-homewares",
        "High",
        "Site shows stale stock levels",
        "Products sold out in Salesforce still show as in stock on the site since this morning.",
        c.business_hours_ago(6),
        recent_changes="We added a new warehouse location in Salesforce yesterday.",
    )
    case_assign(case=stale, actor=analyst, assignee=c.analyst2, at=stale.opened_at + H)
    case_request_information(
        case=stale,
        actor=c.analyst2,
        message="Could you send the synchronisation log from Salesforce (Setup > StoreConnect > Sync log) for today?",
        at=stale.opened_at + 2 * H,
    )

    gift = c.open(
        "popup-pals",
        "Low",
        "Feature request: gift wrapping option at checkout",
        "Customers ask for gift wrapping. Could checkout offer it as a paid option?",
        now - 3 * 24 * H,
        category=Category.FEATURE_REQUEST,
    )
    case_propose_resolution(
        case=gift,
        actor=analyst,
        summary="Logged with product as a feature request. Until then, a 'gift wrap' product can be added to the cart.",
        at=now - 20 * H,
    )

    provisioning = c.open(
        "bondi-bakes",
        "Medium",
        "Provision a second store for Bondi Bakes Newtown",
        "We are opening in Newtown next month and need a second store on the same Salesforce org.",
        now - 9 * 24 * H,
        category=Category.PROVISIONING,
    )
    case_assign(case=provisioning, actor=analyst, assignee=analyst, at=provisioning.opened_at + H)
    case_propose_resolution(
        case=provisioning,
        actor=analyst,
        summary="The Newtown store is provisioned at newtown.bondibakes.example. Sign-in details were sent.",
        at=provisioning.opened_at + 26 * H,
    )
    case_confirm_resolution(
        case=provisioning, actor=c.account("bondi-bakes").technical_contact, at=provisioning.opened_at + 30 * H
    )


def _storeconnect_reopened_at_risk_breached(c: Cast) -> None:
    analyst = c.analyst
    loading = c.open(
        "koala-kitchen",
        "High",
        "Intermittent site loading failures",
        "The home page sometimes times out during the lunchtime peak.",
        c.business_hours_ago(30),
    )
    case_assign(case=loading, actor=analyst, assignee=analyst, at=loading.opened_at + H)
    case_propose_resolution(
        case=loading,
        actor=analyst,
        summary="We increased the page cache size; timeouts should stop.",
        at=loading.opened_at + 5 * H,
    )
    case_reopen(
        case=loading,
        actor=c.account("koala-kitchen").technical_contact,
        reason="It happened again today at 12:30.",
        at=loading.opened_at + 8 * H,
    )

    c.open(
        "harbour-homewares",
        "Critical",
        "Store completely unavailable",
        "harbourhomewares.example shows a 502 error for every page. No one can buy anything.",
        c.business_hours_ago(7),
        business_impact="The store is down during our spring sale.",
    )

    pricing = c.open(
        "popup-pals",
        "Critical",
        "Products listed with incorrect pricing",
        "All products in the 'Summer' collection show $0.00 since the price book import.",
        c.business_hours_ago(30),
        recent_changes="We imported a new price book from Salesforce on Monday.",
        business_impact="Orders at $0 create a legal and financial liability.",
    )
    comment_add(
        case=pricing,
        actor=c.analyst2,
        body="Checking the price book import now.",
        public=False,
        at=pricing.opened_at + H,
    )


def _storeconnect_escalated_and_monitored(c: Cast) -> None:
    now, analyst = c.now, c.analyst
    checkout = c.open(
        "harbour-homewares",
        "High",
        "Checkout errors for some customers",
        "Customers with saved addresses get an error on the shipping step.",
        c.business_hours_ago(20),
    )
    escalation_raise(
        case=checkout,
        actor=c.account("harbour-homewares").technical_contact,
        reason=EscalationReason.RESPONSIVENESS,
        notes="Two days without an answer while customers cannot check out. Please call me.",
        at=now - H,
    )

    c.open(
        "harbour-homewares",
        "High",
        "Data synchronisation between Salesforce and store delayed",
        "Monitoring: product synchronisation for harbourhomewares.example is 45 minutes behind.",
        now - 30 * timedelta(minutes=1),
        opened_by=analyst,
        channel=Channel.MONITORING,
    )


def _magento(c: Cast) -> None:
    _magento_new(c)
    _magento_open_and_waiting(c)
    _magento_resolved_closed_reopened(c)
    _magento_outage_and_p1(c)


def _magento_new(c: Cast) -> None:
    now = c.now
    c.open(
        "globex-outfitters",
        "P3",
        "Inventory report shows wrong warehouse names",
        "The global inventory report lists 'WH-02' as 'Default Source' for some SKUs.",
        now - 3 * H,
    )


def _magento_open_and_waiting(c: Cast) -> None:
    now, analyst = c.now, c.analyst
    stuck = c.open(
        "acme-retail",
        "P2",
        "Orders stuck in 'pending fulfilment'",
        "About 40 orders since 06:00 have not been released to the warehouse.",
        now - 5 * H,
        recent_changes="We deployed the new carrier integration yesterday evening.",
        business_impact="Orders miss today's carrier pick-up.",
    )
    case_assign(case=stuck, actor=analyst, assignee=analyst, at=stuck.opened_at + H / 2)
    comment_add(
        case=stuck,
        actor=analyst,
        body="The carrier integration returns an authentication error; "
        "please check the API credentials saved yesterday.",
        at=stuck.opened_at + 2 * H,
    )
    comment_add(
        case=stuck,
        actor=analyst,
        body="Carrier API log shows 401s since 18:40 yesterday, right after their credential rotation.",
        public=False,
        at=stuck.opened_at + 3 * H,
    )
    case_reassign(
        case=stuck,
        actor=analyst,
        assignee=c.analyst2,
        reason=ReassignReason.TIME_ZONE,
        note="Handing over to the Dublin team for the overnight follow-up.",
        at=stuck.opened_at + 4 * H,
    )

    split = c.open(
        "globex-outfitters",
        "P2",
        "Split shipment not created for backordered items",
        "Orders with one backordered line ship nothing instead of shipping the available lines.",
        now - 26 * H,
    )
    case_assign(case=split, actor=analyst, assignee=c.analyst2, at=split.opened_at + H)
    case_request_information(
        case=split,
        actor=c.analyst2,
        message="Could you share two order numbers and confirm whether 'allow partial shipment' "
        "is on in the sourcing rules?",
        at=split.opened_at + 3 * H,
    )


def _magento_resolved_closed_reopened(c: Cast) -> None:
    now, analyst = c.now, c.analyst
    slow = c.open(
        "acme-retail",
        "P3",
        "Customer service screen slow to load order history",
        "Opening a customer with many orders takes about 20 seconds.",
        now - 2 * 24 * H,
    )
    case_assign(case=slow, actor=analyst, assignee=analyst, at=slow.opened_at + H)
    case_propose_resolution(
        case=slow,
        actor=analyst,
        summary="Order history now loads in pages of 50; the screen opens in under two seconds.",
        at=now - 6 * H,
    )

    question = c.open(
        "globex-outfitters",
        "P3",
        "Question on configuring sourcing rules",
        "How do we prefer the store closest to the customer for click-and-collect orders?",
        now - 10 * 24 * H,
        category=Category.QUESTION,
    )
    case_assign(case=question, actor=analyst, assignee=analyst, at=question.opened_at + H)
    case_propose_resolution(
        case=question,
        actor=analyst,
        summary="Use a distance-based sourcing rule with 'store pickup' as the first tier; "
        "steps are in the reply above.",
        at=question.opened_at + 5 * H,
    )
    case_confirm_resolution(
        case=question, actor=c.account("globex-outfitters").technical_contact, at=question.opened_at + 7 * H
    )

    returns = c.open(
        "acme-retail",
        "P2",
        "Return authorisation e-mails not sent",
        "Customers do not receive the RMA e-mail after a return is approved.",
        now - 3 * 24 * H,
    )
    case_assign(case=returns, actor=analyst, assignee=analyst, at=returns.opened_at + H)
    issue = engineering_issue_link(
        case=returns,
        actor=analyst,
        reference="OMS-7730",
        url="https://tracker.magento-oms.test/OMS-7730",
        title="RMA notification template fails for multi-line returns",
        at=returns.opened_at + 2 * H,
    )
    case_record_workaround(
        case=returns,
        actor=analyst,
        workaround="Send the RMA number from the customer service screen (Returns > Resend notification).",
        at=returns.opened_at + 2 * H,
    )
    case_propose_resolution(
        case=returns, actor=analyst, summary="A fix for OMS-7730 is deployed.", at=returns.opened_at + 20 * H
    )
    case_reopen(
        case=returns,
        actor=c.account("acme-retail").technical_contact,
        reason="Multi-line returns still get no e-mail.",
        at=returns.opened_at + 30 * H,
    )
    engineering_issue_set_state(
        tenant=c.tenant, issue=issue, actor=analyst, state=EngineeringState.IN_PROGRESS, at=returns.opened_at + 31 * H
    )


def _magento_outage_and_p1(c: Cast) -> None:
    now, analyst = c.now, c.analyst
    c.open(
        "acme-retail",
        "System Application Outage",
        "Order management unavailable for all stores",
        "Store associates cannot look up or release any order; the OMS console returns 503.",
        now - 12 * timedelta(minutes=1),
        opened_by=analyst,
        channel=Channel.PHONE,
        business_impact="No orders can be fulfilled in any of our 85 stores.",
    )

    capture = c.open(
        "globex-outfitters",
        "P1",
        "Payment capture failing for all orders",
        "Since yesterday afternoon every shipment fails at payment capture, so nothing is invoiced.",
        now - 30 * H,
        opened_by=analyst,
        channel=Channel.PHONE,
        business_impact="Revenue for about 2,000 orders a day is not captured.",
    )
    comment_add(
        case=capture,
        actor=c.analyst2,
        body="Engineering is rotating the payment service certificate; we will update you every two hours.",
        at=capture.opened_at + 2 * H,
    )
