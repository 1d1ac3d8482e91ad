"""Pages of long-term publication: the quarterly roster (staff: page, Excel, PDF for the websites),
the village's standing list (staff print and PDF; the public page) and the policy explainer
(public page and PDF). Public pages need no login and show masked names only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from safetynet.notices import explainer as explainers
from safetynet.notices import jobs as roster_jobs
from safetynet.notices import publication
from safetynet.notices.forms import ExplainerForm, RosterForm, VillageSearchForm
from safetynet.notices.views import public_village, unknown_village
from safetynet.policy import areas as policy_areas
from safetynet.policy.errors import PolicyError
from safetynet.registry.models import Area
from safetynet.registry.selectors import areas_for, scope_prefix, staff_of
from safetynet.web import clock
from safetynet.web.lists import paginate

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---- the quarterly roster -------------------------------------------------------------------------


def roster_areas(user) -> list[tuple[str, str]]:
    """The areas whose roster the user may make: the city and each county for the city's staff,
    the user's own county for a county's; none below (a township posts on its board)."""
    staff = staff_of(user)
    prefix = scope_prefix(user)
    if staff is None or staff.role not in publication.ROSTER_ROLES or prefix is None or len(prefix) > 6:
        raise PermissionDenied(_("季度公示名册由市、县（市、区）民政部门编制"))
    own = Area.objects.filter(code=prefix).first()
    choices = [(prefix, own.name if own else prefix)]
    if len(prefix) < 6:
        counties = Area.objects.filter(code__startswith=prefix, level=Area.Level.COUNTY)
        choices += list(counties.values_list("code", "name"))
    return choices


def _roster_request(request) -> tuple[RosterForm, publication.Roster | None]:
    form = RosterForm(request.GET, areas=roster_areas(request.user))
    if not form.is_valid():
        return form, None
    area = Area.objects.get(code=form.cleaned_data["area"])
    return form, publication.Roster(area, form.cleaned_data["quarter"], form.cleaned_data["village"])


def _query(form: RosterForm) -> str:
    data = form.cleaned_data
    return urlencode({"quarter": data["quarter"].code, "area": data["area"], "village": data["village"]})


@login_required
def roster(request):
    form, roster = _roster_request(request)
    context = {"form": form}
    if roster is None:
        return render(request, "notices/roster.html", context, status=400)
    cases = roster.cases()
    page = paginate(request, cases)
    places = roster.places
    lines = roster.lines([c.pk for c in page.object_list], places)
    count = page.paginator.count
    context.update(
        roster=roster, page=page, lines=lines, first=page.start_index() - 1 if lines else 0, query=_query(form),
        parts=range(1, publication.roster_parts(count) + 1), part_rows=publication.PDF_PART_ROWS,
    )  # fmt: skip
    return render(request, "notices/roster.html", context)


@login_required
def roster_xlsx(request):
    form, roster = _roster_request(request)
    if roster is None:
        return render(request, "notices/roster.html", {"form": form}, status=400)
    body = publication.roster_workbook(roster, generated_on=clock.today())
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{roster.file_stem}.xlsx"'
    return response


@login_required
def roster_pdf(request):
    form, roster = _roster_request(request)
    if roster is None:
        return render(request, "notices/roster.html", {"form": form}, status=400)
    count = roster.cases().count()
    parts = publication.roster_parts(count)
    raw = request.GET.get("part") or "1"
    part = int(raw) if raw.isdigit() and len(raw) < 6 else 0
    if not 1 <= part <= parts:
        form.add_error(
            None,
            _("名册共 %(count)s 行，分 %(parts)s 册（每册 %(rows)s 行）：第 %(part)s 册不存在")
            % {"count": count, "parts": parts, "rows": publication.PDF_PART_ROWS, "part": raw[:10]},
        )
        return render(request, "notices/roster.html", {"form": form}, status=400)
    html = publication.roster_part_html(roster, part, generated_on=clock.today())
    body = publication.kept_roster_pdf(html)
    if body is None:
        # tens of seconds of layout: the worker's, the user follows it on the job's page
        job = roster_jobs.queue_roster_pdf(request.user, roster, part, parts, clock.today())
        return redirect("job", job_id=job.pk)
    response = HttpResponse(body, content_type="application/pdf")
    suffix = f"-{part}" if parts > 1 else ""
    response["Content-Disposition"] = f'inline; filename="{roster.file_stem}{suffix}.pdf"'
    return response


# ---- the village's standing list ------------------------------------------------------------------


def _staff_village(request, code: str) -> Area | None:
    return areas_for(request.user, Area.Level.VILLAGE).filter(code=code[:12]).select_related("parent").first()


def _standing_page(request, village: Area, *, public: bool):
    standing = publication.StandingList(village, clock.today())
    lines = standing.lines()
    return render(request, "notices/standing.html", {
        "standing": standing, "village": village, "lines": lines, "totals": publication.totals(lines),
        "public": public, "county_code": village.code[:6],
    })  # fmt: skip


@login_required
def standing(request, code: str):
    """The village's standing list for its bulletin board (长期公示), printable."""
    village = _staff_village(request, code)
    if village is None:
        return unknown_village(request, code, public=False)
    return _standing_page(request, village, public=False)


@login_required
def standing_pdf(request, code: str):
    village = _staff_village(request, code)
    if village is None:
        return unknown_village(request, code, public=False)
    body = publication.standing_pdf(publication.StandingList(village, clock.today()), generated_on=clock.today())
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="standing-{village.code}.pdf"'
    return response


def public_standing(request, code: str):
    """The same list for anyone: this month's beneficiaries only, masked, no history to page through."""
    village = public_village(code)
    if village is None:
        return unknown_village(request, code)
    return _standing_page(request, village, public=True)


# ---- finding a village's notice (the public's way in) ----------------------------------------------

FOUND_AT_MOST = 50  # names found by a search: a few screens at most; a longer name narrows it


def notice_finder(request):
    """Where a citizen finds their village's notice without knowing its code: the counties, then
    the chosen county's townships, then the chosen township's villages, each with its notice and
    its standing list; or the villages whose name holds the words typed. No login; nothing here
    but the names of places (the city's own list of them)."""
    form = VillageSearchForm(request.GET)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    counties = list(Area.objects.filter(level=Area.Level.COUNTY).order_by("code"))
    county = next((c for c in counties if c.code == data.get("county")), None)
    township = None
    if data.get("township"):
        townships = Area.objects.filter(level=Area.Level.TOWNSHIP).select_related("parent")
        township = townships.filter(code=data["township"]).first()
        county = township.parent if township else county
    context = {"form": form, "counties": counties, "county": county, "township": township,
               "unknown": bool(data.get("county") and county is None or data.get("township") and township is None)}
    if county is not None:
        context["townships"] = Area.objects.filter(parent=county, level=Area.Level.TOWNSHIP).order_by("code")
    if township is not None:
        context["villages"] = Area.objects.filter(parent=township, level=Area.Level.VILLAGE).order_by("code")
    words = data.get("q") or ""
    if words:
        found = Area.objects.filter(level=Area.Level.VILLAGE).select_related("parent__parent").order_by("code")
        found = found.filter(code__startswith=words) if words.isdigit() else found.filter(name__contains=words)
        found = list(found[: FOUND_AT_MOST + 1])
        context.update(words=words, found=found[:FOUND_AT_MOST], more=len(found) > FOUND_AT_MOST,
                       at_most=FOUND_AT_MOST)  # fmt: skip
    return render(request, "notices/finder.html", context, status=404 if context["unknown"] else 200)


# ---- the policy explainer -------------------------------------------------------------------------


def explainer_index(request):
    return render(request, "notices/explainer_index.html", {"areas": policy_areas.all_areas()})


def _explainer(request, county: str):
    """(form, explainer or None, response or None): the area unknown is a 404 in Chinese; a bad day
    or a day before a parameter's first value, a message beside the day."""
    try:
        area = policy_areas.get_area(county[:12])
    except PolicyError:
        return None, None, render(request, "notices/unknown_area.html", {"code": county[:40]}, status=404)
    data = request.GET.copy()
    if not data.get("on"):
        data["on"] = clock.today().isoformat()  # the box shows the day the paper is of
    form = ExplainerForm(data)
    if not form.is_valid():
        return form, None, render(request, "notices/explainer.html", {"form": form, "area": area}, status=400)
    try:
        paper = explainers.build(area.code, form.cleaned_data["on"])
    except PolicyError as exc:
        form.add_error("on", _explainer_refusal(exc))
        return form, None, render(request, "notices/explainer.html", {"form": form, "area": area}, status=400)
    return form, paper, None


def _explainer_refusal(exc: PolicyError) -> str:
    """The day's refusal in the reader's words: the policy floor's message names the parameter by
    its key (``dibao_standard``), which is no word of the page."""
    if exc.code == "before_first_value":
        return _("%(day)s 早于本平台收录的最早政策（%(first)s 起施行），请选择 %(first)s 或以后的日期") % {
            "day": exc.params.get("date"), "first": exc.params.get("first")}
    return _("这一天的政策参数尚未收录，请选择其他日期")


def explainer(request, county: str):
    form, paper, refused = _explainer(request, county)
    if refused is not None:
        return refused
    return render(request, "notices/explainer.html", {"form": form, "area": paper.area, "paper": paper})


def explainer_pdf(request, county: str):
    form, paper, refused = _explainer(request, county)
    if refused is not None:
        return refused
    response = HttpResponse(publication.explainer_pdf(paper), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="explainer-{paper.area.code}-{paper.on.isoformat()}.pdf"'
    return response
