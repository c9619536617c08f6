"""Ready-made tenant templates built from the two seed documents (see PRODUCT.md "Seed presets").

A preset is plain data: tenant settings, plan tiers, the priority scheme, business calendars and
the SLA targets per (plan, priority, metric). `tickets.services.preset_apply` writes it to a tenant.
"""

from __future__ import annotations

from dataclasses import dataclass, field

WEEKDAYS_9_TO_5 = {day: [("09:00", "17:00")] for day in ("mon", "tue", "wed", "thu", "fri")}
WEEKDAYS_ALL_DAY = {day: [("00:00", "24:00")] for day in ("mon", "tue", "wed", "thu", "fri")}
EVERY_DAY_ALL_DAY = {day: [("00:00", "24:00")] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


@dataclass(frozen=True)
class PriorityPreset:
    name: str
    criteria: str
    must_phone: bool = False
    escalate_on_open: bool = False
    worked_first: bool = False  # open cases at this level are worked ahead of all others


@dataclass(frozen=True)
class CalendarPreset:
    name: str
    time_zone: str
    hours: dict[str, list[tuple[str, str]]]
    holiday_country: str = ""
    holiday_subdivision: str = ""


@dataclass(frozen=True)
class Target:
    amount: int
    unit: str  # one of sla.models.Unit
    calendar: str  # a CalendarPreset name


@dataclass(frozen=True)
class Preset:
    slug: str
    name: str
    time_zone: str
    case_number_prefix: str
    plans: list[str]
    priorities: list[PriorityPreset]
    calendars: list[CalendarPreset]
    first_response_met_by: str  # "reply" or "assignment"
    # (plan, priority) -> target; a missing pair means "no explicit target".
    first_response: dict[tuple[str, str], Target] = field(default_factory=dict)
    resolution: dict[tuple[str, str], Target] = field(default_factory=dict)
    support_phone_numbers: list[str] = field(default_factory=list)


def _business_days(amounts: dict[str, int]) -> dict[str, Target]:
    return {plan: Target(amount, "business_days", "business") for plan, amount in amounts.items()}


_SC_PLANS = ["Flagship", "Emporium", "Boutique", "Pop-Up"]
_SC_CRITICAL = _business_days({"Flagship": 1, "Emporium": 2, "Boutique": 3, "Pop-Up": 3})
# "1 week" and "2 weeks" in the source; one week is five business days.
_SC_HIGH = _business_days({"Flagship": 5, "Emporium": 5, "Boutique": 10, "Pop-Up": 10})

STORECONNECT = Preset(
    slug="storeconnect",
    name="StoreConnect",
    time_zone="Australia/Sydney",
    case_number_prefix="SC",
    plans=_SC_PLANS,
    priorities=[
        # The seed's words (two typos mended: "for your or your customers", "distruptions").
        PriorityPreset(
            "Critical",
            "Store is completely unavailable or down.\n"
            "Major failure of payment processing preventing majority of customers from purchasing.\n"
            "Products being listed with incorrect pricing.\n"
            "Errors that could create a legal liability for you or your customers.\n"
            "Errors that are severely disrupting your business.\n"
            "Other issues causing significant disruptions for your store.",
            worked_first=True,
        ),
        PriorityPreset(
            "High",
            "Payment gateways having errors for some customers but not all.\n"
            "Intermittent site loading issues or failures to show the site.\n"
            "Site issues showing stale or incorrect data that is not critical to the operation of the business.\n"
            "Critical issues for which there is a work around.",
        ),
        PriorityPreset(
            "Medium",
            "Training.\nProvisioning of new stores or services.\n"
            "Guidance on complex feature implementation.\nMinor site issues that need resolving.",
        ),
        PriorityPreset("Low", "Minor bugs, feature requests, and suggestions for enhancement."),
    ],
    calendars=[
        CalendarPreset(
            "business", "Australia/Sydney", WEEKDAYS_9_TO_5, holiday_country="AU", holiday_subdivision="NSW"
        ),
    ],
    first_response_met_by="reply",
    first_response={
        **{(plan, "Critical"): target for plan, target in _SC_CRITICAL.items()},
        **{(plan, "High"): target for plan, target in _SC_HIGH.items()},
    },
)

_OMS_URGENT_ASSIGN = Target(15, "calendar_minutes", "24x7")
_OMS_URGENT_RESOLVE = Target(24, "calendar_hours", "24x7")

MAGENTO_OMS = Preset(
    slug="magento-oms",
    name="Magento Order Management",
    time_zone="America/Los_Angeles",
    case_number_prefix="OMS",
    plans=["Standard"],
    support_phone_numbers=["1-877-282-7436 in the US", "+001 310 945-1310 outside the US"],
    priorities=[
        # The seed's descriptions as written.
        PriorityPreset(
            "System Application Outage",
            "Unscheduled system application outage where customers are unable to use key systems and "
            "applications for work functions. The effect of their workload not being completed could have a "
            "negative impact on business. Resources will be assigned immediately and targeted to close within "
            "24 hours.",
            must_phone=True,
            escalate_on_open=True,
            worked_first=True,
        ),
        PriorityPreset(
            "P1",
            "A P1 is a crucial problem where a crucial core business function is severely impacted that will "
            "cause a significant loss of revenue in business. P1 problems must be reported on Magento's toll-free "
            "support telephone number to expedite resolution. Magento will use continuous efforts 24x7x365, with "
            "appropriate escalation to senior management, to provide a resolution for any P1 problem as soon as "
            "is commercially reasonable. Resources will be assigned immediately and targeted to close within 24 "
            "hours.",
            must_phone=True,
            escalate_on_open=True,
            worked_first=True,
        ),
        PriorityPreset(
            "P2",
            "A P2 is a problem where a core business function is impacted and needs to be assigned either during "
            "business hours or at the beginning of the next business day. Magento will use efforts during its "
            "normal hours of operation, 24 hours a day, (Monday – Friday) to provide a resolution for any P2 "
            "problem as soon as is commercially reasonable. Resources will be assigned within 24 hours and "
            "targeted to fix within 48 business hours (excluding holidays and weekends).",
        ),
        PriorityPreset(
            "P3",
            "A P3 is a medium-to-low impact problem that involves partial and/or non-critical loss of "
            "functionality, or that impairs some operations but is not causing an immediate loss of revenue. "
            "Magento will use efforts during its normal hours of operation, 24 hours a day, (Monday – Friday) to "
            "provide a resolution for any P3 problem in time for the next minor release of the Software. "
            "Resources will be assigned within 24 hours and targeted to fix within 14 days.",
        ),
    ],
    calendars=[
        CalendarPreset("24x7", "America/Los_Angeles", EVERY_DAY_ALL_DAY),
        CalendarPreset("business", "America/Los_Angeles", WEEKDAYS_ALL_DAY, holiday_country="US"),
    ],
    first_response_met_by="assignment",
    first_response={
        ("Standard", "System Application Outage"): _OMS_URGENT_ASSIGN,
        ("Standard", "P1"): _OMS_URGENT_ASSIGN,
        ("Standard", "P2"): Target(24, "business_hours", "business"),
        ("Standard", "P3"): Target(24, "business_hours", "business"),
    },
    resolution={
        ("Standard", "System Application Outage"): _OMS_URGENT_RESOLVE,
        ("Standard", "P1"): _OMS_URGENT_RESOLVE,
        ("Standard", "P2"): Target(48, "business_hours", "business"),
        ("Standard", "P3"): Target(14, "calendar_days", "24x7"),
    },
)

PRESETS: dict[str, Preset] = {preset.slug: preset for preset in (STORECONNECT, MAGENTO_OMS)}
