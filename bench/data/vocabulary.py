"""Words the generated cases are made of: subjects, descriptions and replies are combinations of
these (a few thousand distinct subjects, each description a few sentences), never one repeated case."""

from __future__ import annotations

import random

THINGS = (
    "Checkout",
    "Refund",
    "Stock sync",
    "Shipping labels",
    "Tax rates",
    "Gift cards",
    "Payment gateway",
    "Product import",
    "Order export",
    "Discount codes",
    "Customer login",
    "Search results",
    "Invoice PDF",
    "Inventory feed",
    "Price list",
    "Click and collect",
    "Loyalty points",
    "Abandoned cart mail",
    "Product images",
    "Store locator",
    "Webhook delivery",
    "Marketplace listing",
    "Returns portal",
    "Bulk price update",
    "Variant options",
    "Delivery estimates",
    "Sales report",
    "POS terminal",
)
SYMPTOMS = (
    "fails",
    "is slow",
    "shows an error",
    "stopped working",
    "is missing",
    "duplicates orders",
    "times out",
    "shows the wrong total",
    "rejects valid cards",
    "is stuck",
    "loses data",
    "sends twice",
    "is blank",
    "is out of date",
    "crashes the page",
    "needs configuring",
)
WHERE = (
    "on mobile",
    "since the upgrade",
    "for some customers",
    "after the sale started",
    "in the AU store",
    "for wholesale accounts",
    "on Safari",
    "overnight",
    "at peak hours",
    "for new products",
    "for the NZ store",
    "in the admin",
    "after a theme change",
    "for guest checkout",
)
OPENINGS = (
    "Since this morning",
    "After last night's deployment",
    "Several customers report that",
    "Our staff noticed that",
    "Intermittently",
    "For the last two days",
    "Ever since we changed settings,",
)
DETAILS = (
    "the page shows a spinner and then a generic error.",
    "orders are created but never reach the warehouse.",
    "the totals differ from the invoice by a few cents.",
    "nothing appears in the logs we can see.",
    "it works on desktop but not on phones.",
    "the problem goes away after a refresh, then returns.",
    "customers abandon their carts because of it.",
    "the numbers in the report do not match the orders.",
    "we rolled back our theme but it still happens.",
    "it affects roughly one order in ten.",
)
IMPACTS = (
    "We are losing sales.",
    "Staff spend hours fixing it by hand.",
    "Customers are complaining on social media.",
    "It is not urgent but annoying.",
    "Our sale starts on Friday.",
    "Accounting cannot close the month.",
)
REPLIES = (
    "Thanks for the report, we are looking into it now.",
    "Could you send a screenshot and the order number?",
    "We reproduced the problem on our side.",
    "A fix is being tested; we will update you shortly.",
    "Please clear the cache and try again.",
    "The change has been deployed; can you confirm it works?",
    "Here are the steps we took and what we found.",
    "We have escalated this to engineering.",
)
MERCHANT_REPLIES = (
    "Here is the screenshot you asked for.",
    "It happened again at 10:15 with order 48213.",
    "Thanks, that fixed it.",
    "Still seeing the problem on mobile.",
    "Any update on this? It is hurting our sales.",
    "We tried that; no change.",
)
NOTES = (
    "Looks like the payment provider's sandbox keys are in production.",
    "Same root cause as last week's incident, I think.",
    "Waiting on engineering for the root cause.",
    "Customer is on the old theme; might be the cause.",
)


def subject(rng: random.Random) -> str:
    return f"{rng.choice(THINGS)} {rng.choice(SYMPTOMS)} {rng.choice(WHERE)}"


def description(rng: random.Random) -> str:
    return f"{rng.choice(OPENINGS)} {rng.choice(DETAILS)} {rng.choice(DETAILS)} {rng.choice(IMPACTS)}"
