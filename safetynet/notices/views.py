"""Notice pages (the printable village list for staff, the masked online list for the public) and
the township's letters (the case's letters, each letter's printable page and its PDF)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string

from safetynet.cases import selectors as cases
from safetynet.notices import pdf, services
from safetynet.notices.forms import NoticeQueryForm
from safetynet.notices.letters import basis_lines, latest_decision
from safetynet.notices.publication import ROSTER_ROLES
from safetynet.notices.selectors import first_posting, letter_for, letters_of, notice_period, village_notice
from safetynet.policy.errors import PolicyError
from safetynet.registry.models import Area
from safetynet.registry.selectors import areas_for, staff_of
from safetynet.supervision.services import record_access
from safetynet.web.lang import current_lang as _lang


def public_village(code: str) -> Area | None:
    return Area.objects.filter(code=code[:12], level=Area.Level.VILLAGE).select_related("parent__parent").first()


def unknown_village(request, code: str, *, public: bool = True):
    """A village code the city does not have (or, on a staff page, not the user's): a plain 404 in
    Chinese that leads to the finder; it says nothing of jurisdictions."""
    return render(request, "notices/unknown_village.html", {"code": code[:40], "public": public}, status=404)


@login_required
def index(request):
    staff = staff_of(request.user)
    can_roster = bool(staff and staff.role in ROSTER_ROLES and len(staff.area_id) <= 6)
    return render(request, "notices/index.html", {"villages": areas_for(request.user, Area.Level.VILLAGE)[:500],
                                                  "can_roster": can_roster})


def _notice_page(request, village: Area, *, masked: bool):
    form = NoticeQueryForm(request.GET, first_posting=first_posting(village))
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
    village = public_village(code)
    if village is None:
        return unknown_village(request, code)
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
    context = {"letter": letter, "c": letter.content, "bases": basis_lines(letter.content),
               "superseded": latest is not None and latest.pk != letter.event_id}  # fmt: skip
    # Its paper in the register (documents): the verification code and QR printed at its foot.
    document = getattr(letter, "document", None)
    if document is not None:
        from safetynet.documents import render

        context.update(render.context(document, request), letter=letter)
    return context


@login_required
def letter_page(request, letter_id: int):
    return render(request, "notices/letter.html", _letter_context(request, letter_id))


@login_required
def letter_pdf(request, letter_id: int):
    context = _letter_context(request, letter_id)
    if "document" in context:  # the register's paper: the letter with its code and QR at the foot
        from safetynet.documents import render

        body = render.to_pdf(context["document"], request)
    else:
        body = pdf.html_to_pdf(render_to_string("notices/letter_pdf.html", context, request=request))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="letter-{context["letter"].pk}.pdf"'
    return response
