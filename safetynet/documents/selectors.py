"""Reading the register: the papers a user may see (scoped to their area), a case's and a
household's papers, a paper's standing today, and what the public verification page may say.

A paper's standing (``standing``):
- a decision is current until the case has a later decision served in writing; then it names
  that decision's paper (number, date) or, before its paper is issued, the date of the decision;
- a proof of entitlement is current until the case's entitlement changes (a later money step or
  decision), named in the same way;
- a record (application, authorisation, home visit, village notice) stands unless it was printed
  again with other content (``replaced_by``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.http import Http404

from safetynet.cases import programmes
from safetynet.cases.models import Case, CaseEvent
from safetynet.documents.models import Document
from safetynet.notices.letters import seal_name
from safetynet.notices.selectors import mask_name
from safetynet.registry.models import Household
from safetynet.registry.selectors import scope_prefix


def documents_for(user) -> QuerySet[Document]:
    """The papers of the user's area (a department's liaison: none)."""
    prefix = scope_prefix(user)
    if prefix is None:
        return Document.objects.none()
    return Document.objects.filter(area_code__startswith=prefix).select_related("township", "case__applicant",
                                                                                 "letter")  # fmt: skip


def document_for(user, document_id: int) -> Document:
    """One paper; outside the user's area it does not exist."""
    try:
        return documents_for(user).get(pk=document_id)
    except (Document.DoesNotExist, ValueError):
        raise Http404("document") from None


def documents_of_case(case: Case) -> list[Document]:
    """A case's papers, newest first (the case is already read through a scoped selector)."""
    return list(case.documents.select_related("replaced_by", "letter").order_by("-issued_on", "-id"))


def documents_of_household(household: Household) -> list[Document]:
    """Every paper of the household: its cases' and its own (the authorisation), newest first."""
    return list(household.documents.select_related("case", "replaced_by").order_by("-issued_on", "-id"))


@dataclass(frozen=True)
class Standing:
    current: bool
    # The later paper (or decision) that replaces it: its number ("" before its paper is issued) and date.
    by_number: str = ""
    by_date: date | None = None
    by_kind: str = ""

    @property
    def replaced(self) -> bool:
        return not self.current


def _later_events(document: Document) -> list[CaseEvent]:
    """The steps after the paper's own that replace it: for a decision, the later decisions; for
    a proof, any later step that changes what is paid or decides the case again."""
    if document.case_id is None or document.event_id is None:
        return []
    declaration = programmes.get(document.case.programme)
    transitions = set(declaration.decisions)
    if document.kind == Document.Kind.PROOF:
        transitions |= set(declaration.money_steps)
    return list(document.case.events.filter(transition__in=transitions, id__gt=document.event_id).order_by("id"))


def standing(document: Document) -> Standing:
    if document.replaced_by_id:
        later = document.replaced_by
        return Standing(False, later.number, later.issued_on, later.get_kind_display())
    if document.is_decision or document.kind == Document.Kind.PROOF:
        later = _later_events(document)
        if later:
            event = later[0]
            paper = Document.objects.filter(letter__event=event).first()
            if paper:
                return Standing(False, paper.number, paper.issued_on, paper.get_kind_display())
            return Standing(False, "", event.on, "")
    return Standing(True)


@dataclass(frozen=True)
class PublicView:
    """What the public verification page shows, and nothing more: the kind, the number, who
    issued it, the date, its standing, the name masked (张*). Never an ID number or an amount."""

    kind: str
    number: str
    issuer: str
    issued_on: date
    name: str
    standing: Standing
    decision: bool  # a decision (current / replaced) rather than a record (valid / reprinted)
    proof: bool


def public_view(code: str) -> PublicView | None:
    """The paper with this (normalised, well-formed) code, as the public may see it; None if no
    paper has it."""
    document = (
        Document.objects.filter(code=code).select_related("township", "case__applicant", "replaced_by").first()
    )
    if document is None:
        return None
    content = document.letter.content if document.letter_id else document.content
    issuer = content.get("issuer") or seal_name(document.township.name)
    name = mask_name(document.case.applicant.name) if document.case_id else ""
    return PublicView(
        kind=content.get("title") or document.get_kind_display(), number=document.number, issuer=issuer,
        issued_on=document.issued_on, name=name, standing=standing(document), decision=document.is_decision,
        proof=document.kind == Document.Kind.PROOF,
    )  # fmt: skip
