"""Issuing a letter: the township's clerk or approver numbers the latest decision's letter.

The letter is entered in the register of papers (``documents``) in the same transaction: it gets
its verification code there, as every paper the township issues does.

The number is the next in the township's register of the decision's year, allocated inside the
transaction that writes the letter; the database's unique constraint on (township, year, serial)
is the guarantee, and a writer that loses the race for a serial takes the next one.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max

from safetynet.cases.models import Case
from safetynet.documents.register import enter_letter
from safetynet.notices.letters import decision_kind, latest_decision, letter_content, number_text
from safetynet.notices.models import Letter
from safetynet.policy.errors import PolicyError
from safetynet.registry.models import Area
from safetynet.registry.selectors import acting_user, require_role
from safetynet.supervision.services import record
from safetynet.web import clock

ISSUE_ROLES = ("clerk", "approver")
ATTEMPTS = 20  # writers racing for one township's next serial: each loser takes the next


class LetterError(PolicyError):
    """A letter that cannot be issued, said in the user's language."""

    MESSAGES = {
        "letter_no_decision": {"zh": "该案件尚无需要书面送达的决定", "en": "no decision to serve in writing yet"},
        "letter_number_busy": {"zh": "文号分配繁忙，请稍后重试", "en": "document numbers are busy: try again shortly"},
    }

    def message(self, lang: str = "zh") -> str:
        return self.MESSAGES[self.code]["en" if lang == "en" else "zh"].format(**self.params)


def issue_letter(actor, case: Case) -> Letter:
    """The letter of ``case``'s latest decision: numbered and kept on its first issue, the same
    letter (same number, same words) every time after."""
    require_role(actor, ISSUE_ROLES, case.area_code, "出具决定书")
    event = latest_decision(case)
    if event is None:
        raise LetterError("letter_no_decision")
    existing = Letter.objects.filter(event=event).first()
    if existing:
        return existing
    township = Area.objects.get(code=case.township_code)
    year = event.on.year
    content = letter_content(case, event)
    for _ in range(ATTEMPTS):
        try:
            with transaction.atomic():
                last = Letter.objects.filter(township=township, year=year).aggregate(n=Max("serial"))["n"] or 0
                serial = last + 1
                letter = Letter.objects.create(
                    case=case,
                    event=event,
                    kind=decision_kind(case, event),
                    township=township,
                    year=year,
                    serial=serial,
                    number=number_text(township.name, year, serial),
                    issued_on=clock.today(),
                    issued_by=acting_user(actor),
                    content=content,
                )
                record(
                    actor,
                    "letter.issue",
                    object_type="letter",
                    object_id=letter.pk,
                    area_code=case.area_code,
                    details={"case": case.pk, "event": event.pk, "kind": letter.kind, "number": letter.number},
                )
                enter_letter(actor, letter)  # its verification code, in the register of every paper
                return letter
        except IntegrityError:
            # Another writer issued this decision's letter, or took this serial: look again.
            existing = Letter.objects.filter(event=event).first()
            if existing:
                return existing
    raise LetterError("letter_number_busy")
