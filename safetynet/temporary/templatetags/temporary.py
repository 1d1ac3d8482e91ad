"""The temporary-assistance panel of a case page (``temporary/_case_panel.html`` takes ``case``):
on a temporary case its event, the hours of help first and what the fund paid; on a running
dibao or tekun application the temporary help given while it runs, and the way to give it."""

from __future__ import annotations

from django import template

from safetynet.cases.models import Case
from safetynet.registry.selectors import staff_of
from safetynet.temporary import selectors
from safetynet.temporary.forms import OpenApplicationForm
from safetynet.temporary.services import RUNNING_APPLICATION
from safetynet.web import clock

register = template.Library()


@register.inclusion_tag("temporary/_panel.html", takes_context=True)
def temporary_panel(context, case: Case) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    staff = staff_of(user)
    clerk = staff is not None and staff.role == "clerk" and case.area_code.startswith(staff.area_id)
    out = {"case": case, "request": request, "csrf_token": context.get("csrf_token"), "row": None}
    if case.programme == "temporary":
        row = selectors.TemporaryCase.objects.select_related("from_case", "dibao_case").filter(case_id=case.pk).first()
        if row is None:
            return out
        out |= {
            "row": row, "clock": selectors.help_clock(case, row),
            "owed_fen": case.monthly_amount_fen,
            "may_open": clerk and case.state != "withdrawn",
            "open_form": OpenApplicationForm(initial={"on": clock.today(), "programme": "dibao"},
                                             auto_id="open-application-%s"),
        }
    elif case.programme in ("dibao", "tekun"):
        out |= {"helping": selectors.helping(case),
                "may_help": clerk and case.state in RUNNING_APPLICATION}  # fmt: skip
    return out
