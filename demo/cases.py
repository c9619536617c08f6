"""Demo cases for the two demo tenants: every status, at risk, breached and escalated cases, with
conversations, notes, an engineering link and a workaround. Text follows the seed documents'
examples. Each case is one row of `SCENARIOS` (see `demo.play` for how a row is read and played);
`seed_demo_cases` plays a tenant's rows, then runs the SLA sweeps and answers one survey."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from demo.play import MINUTE, Cast, H, Scenario, Step, after_opening, ago, business_hours_ago, play
from helpdesk.models import Tenant, User
from surveys.models import SurveyInvitation
from surveys.services import Answer, survey_answer
from tickets.models import Case, Category, Channel, EngineeringState, EscalationReason, Status
from tickets.services import ReassignReason
from tickets.sla_sweeps import sweep_breaches, sweep_warnings

SCENARIOS: list[Scenario] = [
    Scenario(
        "storeconnect",
        "bondi-bakes",
        "Medium",
        "Training on exporting orders for our new staff",
        "Two new team members start on Monday. Could someone walk them through exporting orders to CSV?",
        ago(2 * H),
        Status.NEW,
        fields={"category": Category.TRAINING},
    ),
    Scenario(
        "storeconnect",
        "koala-kitchen",
        "High",
        "Payment gateway errors for some customers",
        "About one in ten customers gets 'card declined' at checkout although the bank approves the payment.",
        business_hours_ago(14),
        Status.OPEN,
        fields={
            "recent_changes": "We switched on 3-D Secure in the gateway settings last Friday.",
            "business_impact": "We lose around 15 orders a day.",
            "steps_to_reproduce": "Add any item to the cart, pay with a Visa card that requires 3-D Secure.",
        },
        steps=(
            Step("assign", after_opening(H), args={"assignee": "analyst"}),
            Step(
                "reply",
                after_opening(2 * H),
                args={
                    "body": "Thanks for the detail. We can reproduce it with 3-D Secure cards and are checking "
                    "with engineering."
                },
            ),
            Step(
                "note",
                after_opening(3 * H),
                args={"body": "Gateway callback times out after 10 s when the bank's challenge page is slow."},
            ),
            Step(
                "link",
                after_opening(3 * H),
                args={
                    "reference": "SC-ENG-311",
                    "url": "https://tracker.storeconnect.test/SC-ENG-311",
                    "title": "3-D Secure callback timeout",
                },
            ),
            Step(
                "workaround",
                after_opening(4 * H),
                args={
                    "workaround": "Offer PayPal at checkout while the callback fix is released; it bypasses the "
                    "timeout."
                },
            ),
        ),
    ),
    Scenario(
        "storeconnect",
        "harbour-homewares",
        "High",
        "Site shows stale stock levels",
        "Products sold out in Salesforce still show as in stock on the site since this morning.",
        business_hours_ago(6),
        Status.WAITING,
        fields={"recent_changes": "We added a new warehouse location in Salesforce yesterday."},
        steps=(
            Step("assign", after_opening(H), args={"assignee": "analyst2"}),
            Step(
                "request_information",
                after_opening(2 * H),
                by="analyst2",
                args={
                    "message": "Could you send the synchronisation log from Salesforce (Setup > StoreConnect > "
                    "Sync log) for today?"
                },
            ),
        ),
    ),
    Scenario(
        "storeconnect",
        "popup-pals",
        "Low",
        "Feature request: gift wrapping option at checkout",
        "Customers ask for gift wrapping. Could checkout offer it as a paid option?",
        ago(3 * 24 * H),
        Status.RESOLVED,
        fields={"category": Category.FEATURE_REQUEST},
        steps=(
            Step(
                "propose",
                ago(20 * H),
                args={
                    "summary": "Logged with product as a feature request. Until then, a 'gift wrap' product can "
                    "be added to the cart."
                },
            ),
        ),
    ),
    Scenario(
        "storeconnect",
        "bondi-bakes",
        "Medium",
        "Provision a second store for Bondi Bakes Newtown",
        "We are opening in Newtown next month and need a second store on the same Salesforce org.",
        ago(9 * 24 * H),
        Status.CLOSED,
        fields={"category": Category.PROVISIONING},
        steps=(
            Step("assign", after_opening(H), args={"assignee": "analyst"}),
            Step(
                "propose",
                after_opening(26 * H),
                args={
                    "summary": "The Newtown store is provisioned at newtown.bondibakes.example. Sign-in details "
                    "were sent."
                },
            ),
            Step("confirm", after_opening(30 * H), by="contact"),
        ),
    ),
    Scenario(
        "storeconnect",
        "koala-kitchen",
        "High",
        "Intermittent site loading failures",
        "The home page sometimes times out during the lunchtime peak.",
        business_hours_ago(30),
        Status.REOPENED,
        steps=(
            Step("assign", after_opening(H), args={"assignee": "analyst"}),
            Step(
                "propose",
                after_opening(5 * H),
                args={"summary": "We increased the page cache size; timeouts should stop."},
            ),
            Step("reopen", after_opening(8 * H), by="contact", args={"reason": "It happened again today at 12:30."}),
        ),
    ),
    Scenario(
        "storeconnect",
        "harbour-homewares",
        "Critical",
        "Store completely unavailable",
        "harbourhomewares.example shows a 502 error for every page. No one can buy anything.",
        business_hours_ago(7),
        Status.NEW,
        fields={"business_impact": "The store is down during our spring sale."},
    ),
    Scenario(
        "storeconnect",
        "popup-pals",
        "Critical",
        "Products listed with incorrect pricing",
        "All products in the 'Summer' collection show $0.00 since the price book import.",
        business_hours_ago(30),
        Status.NEW,
        fields={
            "recent_changes": "We imported a new price book from Salesforce on Monday.",
            "business_impact": "Orders at $0 create a legal and financial liability.",
        },
        steps=(Step("note", after_opening(H), by="analyst2", args={"body": "Checking the price book import now."}),),
    ),
    Scenario(
        "storeconnect",
        "harbour-homewares",
        "High",
        "Checkout errors for some customers",
        "Customers with saved addresses get an error on the shipping step.",
        business_hours_ago(20),
        Status.NEW,
        steps=(
            Step(
                "escalate",
                ago(H),
                by="contact",
                args={
                    "reason": EscalationReason.RESPONSIVENESS,
                    "notes": "Two days without an answer while customers cannot check out. Please call me.",
                },
            ),
        ),
    ),
    Scenario(
        "storeconnect",
        "harbour-homewares",
        "High",
        "Data synchronisation between Salesforce and store delayed",
        "Monitoring: product synchronisation for harbourhomewares.example is 45 minutes behind.",
        ago(30 * MINUTE),
        Status.NEW,
        fields={"channel": Channel.MONITORING},
        opened_by="analyst",
    ),
    Scenario(
        "magento-oms",
        "globex-outfitters",
        "P3",
        "Inventory report shows wrong warehouse names",
        "The global inventory report lists 'WH-02' as 'Default Source' for some SKUs.",
        ago(3 * H),
        Status.NEW,
    ),
    Scenario(
        "magento-oms",
        "acme-retail",
        "P2",
        "Orders stuck in 'pending fulfilment'",
        "About 40 orders since 06:00 have not been released to the warehouse.",
        ago(5 * H),
        Status.OPEN,
        fields={
            "recent_changes": "We deployed the new carrier integration yesterday evening.",
            "business_impact": "Orders miss today's carrier pick-up.",
        },
        steps=(
            Step("assign", after_opening(H / 2), args={"assignee": "analyst"}),
            Step(
                "reply",
                after_opening(2 * H),
                args={
                    "body": "The carrier integration returns an authentication error; "
                    "please check the API credentials saved yesterday."
                },
            ),
            Step(
                "note",
                after_opening(3 * H),
                args={
                    "body": "Carrier API log shows 401s since 18:40 yesterday, right after their credential rotation."
                },
            ),
            Step(
                "reassign",
                after_opening(4 * H),
                args={
                    "assignee": "analyst2",
                    "reason": ReassignReason.TIME_ZONE,
                    "note": "Handing over to the Dublin team for the overnight follow-up.",
                },
            ),
        ),
    ),
    Scenario(
        "magento-oms",
        "globex-outfitters",
        "P2",
        "Split shipment not created for backordered items",
        "Orders with one backordered line ship nothing instead of shipping the available lines.",
        ago(26 * H),
        Status.WAITING,
        steps=(
            Step("assign", after_opening(H), args={"assignee": "analyst2"}),
            Step(
                "request_information",
                after_opening(3 * H),
                by="analyst2",
                args={
                    "message": "Could you share two order numbers and confirm whether 'allow partial shipment' "
                    "is on in the sourcing rules?"
                },
            ),
        ),
    ),
    Scenario(
        "magento-oms",
        "acme-retail",
        "P3",
        "Customer service screen slow to load order history",
        "Opening a customer with many orders takes about 20 seconds.",
        ago(2 * 24 * H),
        Status.RESOLVED,
        steps=(
            Step("assign", after_opening(H), args={"assignee": "analyst"}),
            Step(
                "propose",
                ago(6 * H),
                args={"summary": "Order history now loads in pages of 50; the screen opens in under two seconds."},
            ),
        ),
    ),
    Scenario(
        "magento-oms",
        "globex-outfitters",
        "P3",
        "Question on configuring sourcing rules",
        "How do we prefer the store closest to the customer for click-and-collect orders?",
        ago(10 * 24 * H),
        Status.CLOSED,
        fields={"category": Category.QUESTION},
        steps=(
            Step("assign", after_opening(H), args={"assignee": "analyst"}),
            Step(
                "propose",
                after_opening(5 * H),
                args={
                    "summary": "Use a distance-based sourcing rule with 'store pickup' as the first tier; "
                    "steps are in the reply above."
                },
            ),
            Step("confirm", after_opening(7 * H), by="contact"),
        ),
    ),
    Scenario(
        "magento-oms",
        "acme-retail",
        "P2",
        "Return authorisation e-mails not sent",
        "Customers do not receive the RMA e-mail after a return is approved.",
        ago(3 * 24 * H),
        Status.REOPENED,
        steps=(
            Step("assign", after_opening(H), args={"assignee": "analyst"}),
            Step(
                "link",
                after_opening(2 * H),
                args={
                    "reference": "OMS-7730",
                    "url": "https://tracker.magento-oms.test/OMS-7730",
                    "title": "RMA notification template fails for multi-line returns",
                },
            ),
            Step(
                "workaround",
                after_opening(2 * H),
                args={
                    "workaround": "Send the RMA number from the customer service screen (Returns > Resend "
                    "notification)."
                },
            ),
            Step("propose", after_opening(20 * H), args={"summary": "A fix for OMS-7730 is deployed."}),
            Step(
                "reopen",
                after_opening(30 * H),
                by="contact",
                args={"reason": "Multi-line returns still get no e-mail."},
            ),
            Step("engineering_state", after_opening(31 * H), args={"state": EngineeringState.IN_PROGRESS}),
        ),
    ),
    Scenario(
        "magento-oms",
        "acme-retail",
        "System Application Outage",
        "Order management unavailable for all stores",
        "Store associates cannot look up or release any order; the OMS console returns 503.",
        ago(12 * MINUTE),
        Status.NEW,
        fields={"channel": Channel.PHONE, "business_impact": "No orders can be fulfilled in any of our 85 stores."},
        opened_by="analyst",
    ),
    Scenario(
        "magento-oms",
        "globex-outfitters",
        "P1",
        "Payment capture failing for all orders",
        "Since yesterday afternoon every shipment fails at payment capture, so nothing is invoiced.",
        ago(30 * H),
        Status.NEW,
        fields={"channel": Channel.PHONE, "business_impact": "Revenue for about 2,000 orders a day is not captured."},
        opened_by="analyst",
        steps=(
            Step(
                "reply",
                after_opening(2 * H),
                by="analyst2",
                args={
                    "body": "Engineering is rotating the payment service certificate; we will update you every "
                    "two hours."
                },
            ),
        ),
    ),
]

# The closed demo case's survey: a glowing answer at storeconnect, a low score to follow up at magento-oms.
SURVEY_ANSWERS = {
    "storeconnect": Answer(5, 5, 5, 4, "Quick, friendly and clear."),
    "magento-oms": Answer(2, 3, 2, 2, "Helpful in the end, but it took three days to get a real answer."),
}


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
    for scenario in SCENARIOS:
        if scenario.tenant == tenant.slug:
            play(cast, scenario)
    sweep_warnings(now=cast.now)
    sweep_breaches(now=cast.now)
    for invitation in SurveyInvitation.objects.for_tenant(tenant).order_by("pk")[:1]:
        survey_answer(invitation=invitation, answer=SURVEY_ANSWERS[tenant.slug], at=invitation.created_at + 3 * H)
