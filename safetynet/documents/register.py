"""Entering a paper in the register: its number, its verification code, its audit record.

The number is the next in the township's register of the year for the paper's series
(``word``), allocated inside the transaction that writes the paper, as the letters' are
(``notices.services``): the database's unique constraint on (township, year, word, serial) is the
guarantee, and a writer that loses the race for a serial takes the next one. A decision's letter
brings its own serial (the letters' register), so its number is the letter's.

Imported by ``notices.services`` (a letter is registered as it is issued) and by
``documents.services``; it imports neither.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Max

from safetynet.documents.codes import new_code
from safetynet.documents.models import Document
from safetynet.notices.letters import NUMBER_WORD, number_text
from safetynet.notices.models import Letter
from safetynet.policy.errors import PolicyError
from safetynet.registry.models import Area
from safetynet.registry.selectors import acting_user
from safetynet.supervision.services import record
from safetynet.web import clock

ATTEMPTS = 20  # writers racing for one township's next serial (or, once in 2^75, a code): each loser retries


class DocumentError(PolicyError):
    """A paper that cannot be issued, said in the user's language."""

    MESSAGES = {
        "document_number_busy": {
            "zh": "文书编号分配繁忙，请稍后重试", "en": "document numbers are busy: try again shortly",
        },
        "document_no_visit": {"zh": "该案件没有这条入户调查记录", "en": "the case has no such home-visit record"},
        "document_not_covered": {
            "zh": "{on}该案件不在享受待遇期间，不能出具享受待遇证明",
            "en": "on {on} the case is not receiving assistance: no proof of entitlement can be issued",
        },
        "document_nothing_posted": {
            "zh": "{start}至{end}本村（居）无公示事项，无需出具公示",
            "en": "nothing was posted in the village from {start} to {end}: there is no notice to issue",
        },
        "document_kind": {"zh": "无法从这里出具这种文书", "en": "this kind of document is not issued from here"},
    }

    def message(self, lang: str = "zh") -> str:
        return self.MESSAGES[self.code]["en" if lang == "en" else "zh"].format(**self.params)


def enter(actor, *, kind: str, township: Area, year: int, word: str, content: dict, area_code: str,
          serial: int | None = None, replaces: Document | None = None, issued_on: date | None = None,
          **links) -> Document:  # fmt: skip
    """A new paper in the register (``links``: household, case, event, letter, subject), audited.
    ``replaces``: the same paper printed before with other content, now replaced by this one."""
    for _ in range(ATTEMPTS):
        try:
            with transaction.atomic():
                n = serial
                if n is None:
                    last = Document.objects.filter(township=township, year=year, word=word).aggregate(n=Max("serial"))
                    n = (last["n"] or 0) + 1
                document = Document.objects.create(
                    kind=kind, township=township, year=year, word=word, serial=n,
                    number=number_text(township.name, year, n, word), code=new_code(), area_code=area_code,
                    issued_on=issued_on or clock.today(), issued_by=acting_user(actor), content=content, **links,
                )  # fmt: skip
                if replaces is not None:
                    Document.objects.filter(pk=replaces.pk, replaced_by__isnull=True).update(replaced_by=document)
                record(
                    actor,
                    "document.issue",
                    object_type="document",
                    object_id=document.pk,
                    area_code=area_code,
                    details={"kind": kind, "number": document.number, "case": getattr(links.get("case"), "pk", None),
                             "replaces": replaces.number if replaces else None},  # fmt: skip
                )
                return document
        except IntegrityError:
            if serial is not None and Document.objects.filter(letter=links.get("letter")).exists():
                return Document.objects.get(letter=links["letter"])
    raise DocumentError("document_number_busy")


def enter_letter(actor, letter: Letter) -> Document:
    """The register's entry of a decision's letter: its number and serial, a new code; called in
    the transaction that issues the letter."""
    existing = Document.objects.filter(letter=letter).first()
    if existing:
        return existing
    case = letter.case
    return enter(actor, kind=letter.kind, township=letter.township, year=letter.year, word=NUMBER_WORD,
                 serial=letter.serial, content={"letter": letter.pk}, area_code=case.area_code,
                 household=case.household, case=case, event=letter.event, letter=letter,
                 issued_on=letter.issued_on)  # fmt: skip
