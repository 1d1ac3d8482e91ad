"""Issuing the township's papers: each numbered, coded and audited once (``register.enter``).

Printing a paper again gives the paper already issued (same number, same code, same words), as
long as what it would say is unchanged; if the case or the household changed since (a member
joined, a visit's findings were corrected), a new paper is issued and the old one is marked as
replaced by it. The date a paper was printed on is not a change: it keeps its first date. The
decisions are the township's letters (``notices.services.issue_letter``), registered as issued.

Who issues: the clerk or the approver of the township the case (household, village) is in, as
for letters; the county reads and prints what the township issued.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from safetynet.cases import programmes
from safetynet.cases.models import CLOSED_STATES, Case, CaseEvent
from safetynet.documents import papers
from safetynet.documents.models import Document
from safetynet.documents.register import DocumentError, enter, enter_letter
from safetynet.notices import services as letters
from safetynet.registry.models import Area, Household
from safetynet.registry.selectors import require_role
from safetynet.web import clock

ISSUE_ROLES = letters.ISSUE_ROLES
# The papers issued from a case's page (kind -> what the button says is in ``views``).
CASE_KINDS = ("application", "home_visit", "decision", "proof")
_UNDATED = ("date_text",)  # what may differ between two printings of one paper


def _same(a: dict, b: dict) -> bool:
    strip = lambda c: {k: v for k, v in c.items() if k not in _UNDATED}  # noqa: E731
    return strip(a) == strip(b)


def _issue(actor, *, kind: str, township: Area, content: dict, area_code: str, subject: str = "", **links) -> Document:
    """The paper of ``kind`` about ``links`` and ``subject``: the one issued before if it says the
    same, else a new one replacing it."""
    # Two clerks printing the same paper at once get one paper: the row it is about is locked
    # (the case, else the household, else the village) until this transaction ends.
    owner = links.get("case") or links.get("household")
    if owner is not None:
        type(owner).objects.select_for_update().filter(pk=owner.pk).exists()
    else:
        Area.objects.select_for_update().filter(code=area_code).exists()
    previous = (
        Document.objects.select_for_update()
        .filter(kind=kind, area_code=area_code, subject=subject, replaced_by__isnull=True,
                **{k: v for k, v in links.items() if k in ("case", "household")})
        .order_by("-id")
        .first()
    )  # fmt: skip
    if previous is not None and _same(previous.content, content):
        return previous
    today = clock.today()
    return enter(actor, kind=kind, township=township, year=today.year, word=papers.WORDS[kind], content=content,
                 area_code=area_code, subject=subject, replaces=previous, issued_on=today, **links)  # fmt: skip


@transaction.atomic
def issue_application(actor, case: Case) -> Document:
    require_role(actor, ISSUE_ROLES, case.area_code, "出具申请书")
    opening = case.events.order_by("id").first()
    return _issue(actor, kind="application", township=case.household.village.parent,
                  content=papers.application(case, clock.today()), area_code=case.area_code,
                  household=case.household, case=case, event=opening)  # fmt: skip


@transaction.atomic
def issue_authorization(actor, household: Household, case: Case | None = None) -> Document:
    """The household's authorisation of the check; from a case whose programme needs the
    obligors' authorisations too (tekun), with the obligors."""
    area_code = household.village_id
    require_role(actor, ISSUE_ROLES, area_code, "出具核对授权书")
    with_obligors = bool(case) and programmes.get(case.programme).authorizations == "members_and_obligors"
    content = papers.authorization(household, clock.today(), with_obligors=with_obligors)
    links = {"household": household, **({"case": case} if case else {})}
    return _issue(actor, kind="authorization", township=household.village.parent, content=content,
                  area_code=area_code, subject="obligors" if with_obligors else "", **links)  # fmt: skip


@transaction.atomic
def issue_home_visit(actor, case: Case, visit_id: int) -> Document:
    require_role(actor, ISSUE_ROLES, case.area_code, "出具入户调查记录")
    visits = sorted(case.visits.all(), key=lambda v: (v.visited_on, v.pk))
    visit = next((v for v in visits if v.pk == visit_id), None)
    if visit is None:
        raise DocumentError("document_no_visit")
    # The step that recorded it: the n-th home-visit step records the n-th visit (as the case page reads them).
    steps = list(case.events.filter(transition="record_home_visit").order_by("id"))
    n = visits.index(visit)
    return _issue(actor, kind="home_visit", township=case.household.village.parent,
                  content=papers.home_visit(case, visit, clock.today()), area_code=case.area_code,
                  subject=f"visit:{visit.pk}", household=case.household, case=case,
                  event=steps[n] if n < len(steps) else None)  # fmt: skip


def issue_decision(actor, case: Case) -> Document:
    """The latest decision's letter (``notices``), and so its paper in the register."""
    letter = letters.issue_letter(actor, case)
    return Document.objects.filter(letter=letter).first() or enter_letter(actor, letter)


def covering(case: Case, on: date):
    """The entitlement period that is paid for the month of ``on`` (or, for a case approved and
    not paid yet, its first month), if the case is still covered: (monthly fen, the event that set it)."""
    if case.state in CLOSED_STATES or case.entitlement_from is None:
        return None
    month = max(on.replace(day=1), case.entitlement_from)
    for period in case.entitlements.filter(starts__lte=month).order_by("-starts", "-id"):
        if period.ends is None or period.ends > month:
            return (period.monthly_amount_fen, period.set_by) if period.monthly_amount_fen > 0 else None
    return None


@transaction.atomic
def issue_proof(actor, case: Case) -> Document:
    """The proof of entitlement on today's date: who, programme, amount, since when."""
    require_role(actor, ISSUE_ROLES, case.area_code, "出具享受待遇证明")
    today = clock.today()
    found = covering(case, today)
    if found is None:
        raise DocumentError("document_not_covered", on=today.isoformat())
    amount, basis = found
    basis = CaseEvent.objects.get(pk=basis.pk)
    return _issue(actor, kind="proof", township=case.household.village.parent,
                  content=papers.proof(case, amount, basis, today), area_code=case.area_code,
                  subject=today.isoformat(), household=case.household, case=case, event=basis)  # fmt: skip


@transaction.atomic
def issue_village_notice(actor, village: Area, start: date, end: date) -> Document:
    """The list posted in the village for the postings between ``start`` and ``end`` (the
    notice's own period is printed on it)."""
    from safetynet.notices.selectors import notice_period, village_notice

    require_role(actor, ISSUE_ROLES, village.code, "出具公示")
    lines = village_notice(village, start, end, masked=False)
    period = notice_period(lines)
    if period is None:
        raise DocumentError("document_nothing_posted", start=start.isoformat(), end=end.isoformat())
    content = papers.village_notice(village, lines, period, clock.today())
    return _issue(actor, kind="village_notice", township=village.parent, content=content, area_code=village.code,
                  subject=f"{start.isoformat()}/{end.isoformat()}")  # fmt: skip
