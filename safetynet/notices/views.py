"""Notice pages (the printable village list for staff, the masked online list for the public) and
the township's letters (the case's letters, each letter's printable page and its PDF)."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from safetynet.cases import selectors as cases
from safetynet.notices import pdf, services
from safetynet.notices.letters import basis_lines, latest_decision
from safetynet.notices.selectors import letter_for, letters_of, notice_period, village_notice
from safetynet.policy.errors import PolicyError
from safetynet.registry.models import Area
from safetynet.registry.selectors import areas_for, staff_of
from safetynet.site.inputs import MAX_DATE, MIN_DATE
from safetynet.supervision.services import record_access
from safetynet.web import clock
from safetynet.web.lang import current_lang as _lang

DEFAULT_WINDOW_DAYS = 30


class NoticeQueryForm(forms.Form):
    """The window of postings a clerk looks up: ``from`` and ``to`` (Python keywords, hence set
    here), both optional, within the office's dates and in order."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in (("from", _("自")), ("to", _("至"))):
            self.fields[name] = forms.DateField(
                label=label,
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
                error_messages={"invalid": _("请输入有效日期（YYYY-MM-DD）")},
            )

    def clean(self):
        data = super().clean()
        for name in ("from", "to"):
            day = data.get(name)
            if day and not MIN_DATE <= day <= MAX_DATE:
                self.add_error(name, _("日期应在 1900-01-01 至 2100-12-31 之间"))
        start, end = self.cleaned_data.get("from"), self.cleaned_data.get("to")
        if start and end and start > end:
            self.add_error("to", _("结束日期（%(end)s）早于开始日期（%(start)s），请调换后再查") %
                           {"end": end.isoformat(), "start": start.isoformat()})  # fmt: skip
        return self.cleaned_data

    def window(self):
        """(start, end) of a valid query: to defaults to today, from to 30 days before it."""
        end = self.cleaned_data.get("to") or clock.today()
        start = self.cleaned_data.get("from") or end - timedelta(days=DEFAULT_WINDOW_DAYS)
        return start, end


@login_required
def index(request):
    return render(request, "notices/index.html", {"villages": areas_for(request.user, Area.Level.VILLAGE)[:500]})


def _notice_page(request, village: Area, *, masked: bool):
    form = NoticeQueryForm(request.GET)
    context = {"village": village, "masked": masked, "form": form}
    if not form.is_valid():
        return render(request, "notices/village.html", context, status=400)
    start, end = form.window()
    lines = village_notice(village, start, end, masked=masked)
    context.update(lines=lines, start=start, end=end, period=notice_period(lines))
    return render(request, "notices/village.html", context)


@login_required
def village_print(request, code: str):
    """The list posted on the village board (名单：姓名、家庭人口、金额), with its own period."""
    village = areas_for(request.user, Area.Level.VILLAGE).filter(code=code).select_related("parent").first()
    if village is None:
        raise Http404("village")
    return _notice_page(request, village, masked=False)


def public_list(request, code: str):
    """The online list for the county and city websites: given names masked."""
    village = Area.objects.filter(code=code, level=Area.Level.VILLAGE).select_related("parent__parent").first()
    if village is None:
        raise Http404("village")
    return _notice_page(request, village, masked=True)


# ---- letters ----------------------------------------------------------------------------------


@login_required
def case_letters(request, case_id: int):
    """The case's letters: the latest decision's (issued, or to be issued by the township) and
    the earlier ones, kept as served."""
    case = cases.case_for(request.user, case_id)
    if request.method == "POST":
        try:
            letter = services.issue_letter(request.user, case)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        except PolicyError as exc:
            messages.error(request, exc.message(_lang()))
        else:
            return redirect("letter", letter.pk)
        return redirect("case-letters", case.pk)
    latest = latest_decision(case)
    letters = letters_of(case)
    staff = staff_of(request.user)
    return render(request, "notices/case_letters.html", {
        "case": case, "letters": letters, "latest": latest,
        "latest_letter": next((x for x in letters if latest and x.event_id == latest.pk), None),
        "can_issue": bool(staff and staff.role in services.ISSUE_ROLES and case.area_code.startswith(staff.area_id)),
    })  # fmt: skip


def _letter_context(request, letter_id: int) -> dict:
    letter = letter_for(request.user, letter_id)
    # A served letter shows the applicant's name, address and masked ID number: logged as seen.
    record_access(request.user, purpose="view", person_ids=[letter.case.applicant_id], object_type="letter",
                  object_id=letter.pk, area_code=letter.case.area_code, full_id=False)  # fmt: skip
    latest = latest_decision(letter.case)
    return {"letter": letter, "c": letter.content, "bases": basis_lines(letter.content),
            "superseded": latest is not None and latest.pk != letter.event_id}  # fmt: skip


@login_required
def letter_page(request, letter_id: int):
    return render(request, "notices/letter.html", _letter_context(request, letter_id))


@login_required
def letter_pdf(request, letter_id: int):
    context = _letter_context(request, letter_id)
    html = render_to_string("notices/letter_pdf.html", context, request=request)
    response = HttpResponse(pdf.html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="letter-{context["letter"].pk}.pdf"'
    return response
