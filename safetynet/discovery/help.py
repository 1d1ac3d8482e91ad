"""One household, all help (一户一档; issue 12 point 6): everything the household received from
every source, for its page: the assistance programmes (each case, what its payrolls paid and what
the township's standby fund paid), referrals to the other departments, discovery tasks, the
funeral waiver of a member who died, and the charity's (supermarket, projects, social work,
donations) through ``safetynet.charity.selectors.household_help``. Rows are dicts with the keys
source, kind, on, amount_fen (None where there is no money) and description (and url, if any)."""

from __future__ import annotations

from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from safetynet.discovery import selectors as discovery
from safetynet.funds.models import FundEntry
from safetynet.payments.models import Payment
from safetynet.referrals import selectors as referrals

PAID_RUNS = ("approved", "locked")


def _cases(household) -> list[dict]:
    cases = list(household.cases.order_by("-opened_on", "-id"))
    ids = [c.pk for c in cases]
    paid = dict(Payment.objects.filter(case_id__in=ids, cancelled=False, run__status__in=PAID_RUNS)
                .exclude(bank_status="failed").order_by().values("case_id").annotate(s=Sum("amount_fen"))
                .values_list("case_id", "s"))  # fmt: skip
    fund = dict(FundEntry.objects.filter(case_id__in=ids, kind__in=("draw", "return")).order_by().values("case_id")
                .annotate(s=Sum("amount_fen")).values_list("case_id", "s"))  # fmt: skip
    out = []
    for c in cases:
        amount = (paid.get(c.pk) or 0) - (fund.get(c.pk) or 0)  # a draw is negative in the fund's book
        out.append({"source": "救助项目", "kind": c.get_programme_display(), "on": c.opened_on,
                    "amount_fen": amount, "description": f"#{c.pk} {c.get_state_display()}",
                    "url": reverse("case", args=[c.pk])})  # fmt: skip
    return out


def household_help(user, household) -> list[dict]:
    """Every source's help to ``household`` as this user may see it, newest first."""
    rows = _cases(household)
    for r in referrals.of_household(user, household):
        rows.append({"source": "转介", "kind": r.get_department_display(), "on": r.sent_on,
                     "amount_fen": r.granted_fen, "url": reverse("referral", args=[r.pk]),
                     "description": f"{r.get_state_display()}{'：' + r.get_outcome_display() if r.outcome else ''}"})
    for t in discovery.of_household(user, household):
        rows.append({"source": "主动发现", "kind": t.get_source_display(),
                     "on": timezone.localtime(t.reported_at).date(),
                     "amount_fen": None, "url": reverse("discovery-task", args=[t.pk]),
                     "description": f"{t.get_state_display()}{'：' + t.get_outcome_display() if t.outcome else ''}"})
    from safetynet.funerals.selectors import of_household as funerals_of

    for f in funerals_of(user, household):
        rows.append({"source": "殡葬减免", "kind": f.home.name, "on": f.served_on, "amount_fen": f.waived_fen,
                     "description": f"{f.name}（{f.death_date:%Y-%m-%d} 去世）"})  # fmt: skip
    rows += _charity(user, household)
    return sorted(rows, key=lambda r: r["on"], reverse=True)


def charity_source():
    """The charity app's ``household_help``, or None while it is not there (the page does not wait for it)."""
    try:
        from safetynet.charity.selectors import household_help as charity_help
    except ImportError:
        return None
    return charity_help


def _charity(user, household) -> list[dict]:
    source = charity_source()
    return [{**row, "url": row.get("url")} for row in source(user, household)] if source else []
