"""The papers' pages: issuing one (from the case page, the household page, the notice page) and
its PDF for the office; the public verification page, open to anyone (no login), which says
only what the law allows: kind, number, issuer, date, whether it is current (and a masked name)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from safetynet.cases import selectors as cases
from safetynet.documents import render as papers
from safetynet.documents import selectors, services
from safetynet.documents.forms import VerifyForm
from safetynet.policy.errors import PolicyError
from safetynet.registry.models import Area
from safetynet.registry.selectors import areas_for, household_for
from safetynet.supervision.services import record_access
from safetynet.web.auth import client_ip
from safetynet.web.lang import current_lang

# Lookups a client may make in a minute on the public page (well-formed codes only: a typo is
# answered without asking the register). Codes are random, so this only keeps scrapers slow.
VERIFY_PER_MINUTE = 30


def _issued(request, issue, back: str):
    """Run ``issue``; to the paper's PDF, or back with the reason it was refused."""
    try:
        document = issue()
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    except PolicyError as exc:
        messages.error(request, exc.message(current_lang()))
    else:
        return redirect("document-pdf", document.pk)
    return redirect(back)


@login_required
@require_POST
def issue_for_case(request, case_id: int, kind: str):
    case = cases.case_for(request.user, case_id)
    issue = {
        "application": lambda: services.issue_application(request.user, case),
        "authorization": lambda: services.issue_authorization(request.user, case.household, case),
        "decision": lambda: services.issue_decision(request.user, case),
        "proof": lambda: services.issue_proof(request.user, case),
        "home_visit": lambda: services.issue_home_visit(request.user, case, _int(request.POST.get("visit"))),
    }.get(kind)
    if issue is None:
        raise Http404("kind")
    return _issued(request, issue, f"/cases/{case.pk}/#documents")


@login_required
@require_POST
def issue_for_household(request, household_id: int):
    household = household_for(request.user, household_id)
    return _issued(request, lambda: services.issue_authorization(request.user, household),
                   f"/households/{household.pk}/#documents")  # fmt: skip


@login_required
@require_POST
def issue_notice(request, code: str):
    """The village notice of the postings between ``from`` and ``to`` (the notice page's query)."""
    from safetynet.notices.forms import NoticeQueryForm
    from safetynet.notices.selectors import first_posting

    village = areas_for(request.user, Area.Level.VILLAGE).filter(code=code).select_related("parent").first()
    if village is None:
        raise Http404("village")
    form = NoticeQueryForm(request.POST, first_posting=first_posting(village))
    back = f"/notices/village/{village.code}/?{urlencode({k: request.POST.get(k, '') for k in ('from', 'to')})}"
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect(back)
    start, end = form.window()
    return _issued(request, lambda: services.issue_village_notice(request.user, village, start, end), back)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@login_required
def document_pdf(request, document_id: int):
    document = selectors.document_for(request.user, document_id)
    if document.case_id:
        # A case's paper shows the applicant's name and masked ID number: logged as seen.
        record_access(request.user, purpose="view", person_ids=[document.case.applicant_id], object_type="document",
                      object_id=document.pk, area_code=document.area_code, full_id=False)  # fmt: skip
    elif document.household_id:
        record_access(request.user, purpose="view", person_ids=list(document.household.members.values_list("pk",
                      flat=True)), object_type="document", object_id=document.pk, area_code=document.area_code,
                      full_id=False)  # fmt: skip
    response = HttpResponse(papers.to_pdf(document, request), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{document.kind}-{document.pk}.pdf"'
    return response


def _throttled(request) -> bool:
    limit = getattr(settings, "SAFETYNET_VERIFY_PER_MINUTE", VERIFY_PER_MINUTE)
    key = f"documents-verify:{client_ip(request)}"
    cache.add(key, 0, timeout=60)
    try:
        return cache.incr(key) > limit
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=60)
        return False


def verify(request):
    """公开核验: anyone, no login. The form, and for a well-formed code the paper's public view."""
    form = VerifyForm(request.GET if "code" in request.GET else None)
    context = {"form": form}
    status = 200
    if form.is_bound:
        if not form.is_valid():
            status = 400
        elif _throttled(request):
            context["throttled"] = True
            status = 429
        else:
            context["view"] = selectors.public_view(form.cleaned_data["code"])
            context["searched"] = True
            status = 200 if context["view"] else 404
    return render(request, "documents/verify.html", context, status=status)
