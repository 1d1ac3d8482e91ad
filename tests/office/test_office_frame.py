"""The office's frame (issue 9, points 8 and 9): each role's side menu shows only what the role
may do and every item of it opens; "my tasks" holds the cases waiting for the user's own step,
due dates first; the error pages are Chinese; no form value, however absurd, is a server error;
English pages translate their option lists."""

from __future__ import annotations

import random
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.utils import timezone

from safetynet.cases import services
from safetynet.cases.selectors import my_tasks
from safetynet.registry.models import Area
from safetynet.site import demo
from tests.office.conftest import TODAY

HAN = re.compile(r"[\u4e00-\u9fff]")
FIELD_KEY = re.compile(r"\b[a-z_]+\[\d+\](\.[a-z_]+)?|\b[a-z]+_[a-z_]+\.[a-z_]+\b|\b[a-z_]{3,}:(?=\s|$)")
CODE_WORD = re.compile(r"(?<![\w./-])(dibao|tekun|regular|head|spouse|child|urban|rural|precheck|None)(?![\w./-])")


class Html(HTMLParser):
    """The parts of a page these tests read: links by id, forms with their fields, selects'
    options, the visible text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: dict[str, dict] = {}
        self.forms: list[dict] = []
        self.options: list[tuple[str, str]] = []
        self.text: list[str] = []
        self._skip = 0
        self._option: list | None = None
        self._select: dict | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids[a["id"]] = a
        if tag in ("script", "style", "textarea"):
            self._skip += 1
        if tag == "form":
            self.forms.append({"method": a.get("method", "get").lower(), "action": a.get("action", ""),
                               "fields": [], "attrs": a})  # fmt: skip
        elif tag in ("input", "textarea", "select") and self.forms and a.get("name"):
            field = {"tag": tag, "name": a["name"], "type": a.get("type", "text").lower(), "value": a.get("value", ""),
                     "options": []}  # fmt: skip
            self.forms[-1]["fields"].append(field)
            if tag == "select":
                self._select = field
        elif tag == "option":
            self._option = [a.get("value"), ""]

    def handle_endtag(self, tag):
        if tag in ("script", "style", "textarea") and self._skip:
            self._skip -= 1
        elif tag == "option" and self._option is not None:
            value, label = self._option
            self.options.append((value if value is not None else label, label.strip()))
            if self._select is not None:
                self._select["options"].append(value if value is not None else label.strip())
            self._option = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._option is not None:
            self._option[1] += data
        if not self._skip and data.strip():
            self.text.append(data.strip())


def client_for(user, lang: str | None = None) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE=lang) if lang else Client()
    c.force_login(user)
    return c


def menu_of(client: Client) -> list[str]:
    page = Html(client.get("/desk/", follow=True).content.decode())  # a liaison's desk is its referrals
    return [i.removeprefix("menu-") for i in page.ids if i.startswith("menu-")]


# ---- the side menu --------------------------------------------------------------------------

EXPECTED_MENUS = {
    "clerk": ["desk", "my-tasks", "household-new", "household-search", "deadlines", "temporary-list", "notice-index",
              "referral-list", "discovery-list", "care-index", "children-list", "reports", "reports-temporary",
              "children-figures", "discovery-figures", "funds", "verification-runs", "verification-ledger"],
    "approver": ["desk", "my-tasks", "household-search", "deadlines", "temporary-list", "notice-index",
                 "referral-list", "discovery-list", "care-index", "children-list", "payroll-index", "reports",
                 "reports-temporary", "children-figures", "discovery-figures", "funds", "verification-ledger"],
    "county": ["desk", "my-tasks", "household-search", "deadlines", "temporary-list", "notice-index", "notice-roster",
               "referral-list", "discovery-list", "care-index", "children-list", "payroll-index", "reports",
               "reports-temporary", "children-figures", "discovery-figures", "funds", "charity", "charity-figures",
               "funeral-list", "funeral-figures", "verification-runs", "verification-ledger", "verification-reports"],
    "city_admin": ["desk", "my-tasks", "household-search", "deadlines", "temporary-list", "notice-index",
                   "notice-roster", "referral-list", "discovery-list", "care-index", "children-list", "payroll-index",
                   "reports", "reports-temporary", "children-figures", "discovery-figures", "funds", "charity",
                   "charity-figures", "funeral-list", "funeral-figures", "verification-deliveries",
                   "verification-runs", "verification-ledger", "verification-reports", "audit-trail",
                   "admin-calendar", "admin-parameters"],
    "verifier": ["desk", "household-search", "verification-deliveries", "verification-runs", "verification-ledger",
                 "verification-reports"],
    "auditor": ["desk", "household-search", "deadlines", "temporary-list", "notice-index", "notice-roster",
                "referral-list", "discovery-list", "care-index", "children-list", "payroll-index", "reports",
                "reports-temporary", "children-figures", "discovery-figures", "funds", "charity", "charity-figures",
                "funeral-list", "funeral-figures", "verification-deliveries", "verification-runs",
                "verification-ledger", "verification-reports", "audit-trail"],
    # The county bureau's approver of temporary assistance above the township's limit.
    "county_approver": ["desk", "my-tasks", "household-search", "temporary-list", "referral-list", "discovery-list",
                        "children-list", "reports-temporary", "children-figures", "discovery-figures", "funds"],
    # Another department's liaison: its referrals, nothing of the registry.
    "medical": ["referral-list"],
    # A social organisation's staff: its own records and figures (issue 12).
    "organisation": ["charity", "charity-figures"],
    # A funeral home's staff: its own home's records (issue 12).
    "funeral_home": ["funeral-list"],
}  # fmt: skip


@pytest.mark.parametrize("who", sorted(EXPECTED_MENUS))
def test_each_role_sees_only_its_menu_and_every_item_opens(city, who):
    client = client_for(city[who])
    assert menu_of(client) == EXPECTED_MENUS[who]
    page = Html(client.get("/desk/", follow=True).content.decode())
    for key in EXPECTED_MENUS[who]:
        answer = client.get(page.ids[f"menu-{key}"]["href"])
        assert answer.status_code == 200, (who, key, answer.status_code)


def test_a_page_outside_the_menu_is_refused_to_the_role(city):
    """What a role's menu leaves out, the role is refused (the menu hides nothing it may do)."""
    assert client_for(city["clerk"]).get("/administration/calendar/").status_code == 403
    assert client_for(city["clerk"]).get("/verification/deliveries/").status_code == 403
    assert client_for(city["county"]).get("/audit/").status_code == 403
    assert client_for(city["approver"]).get("/households/new/").status_code in (302, 403)


def test_the_current_page_is_marked_in_the_menu_and_the_breadcrumbs(city, poor_household):
    client = client_for(city["clerk"])
    page = Html(client.get("/households/").content.decode())
    assert "active" in page.ids["menu-household-search"]["class"]
    assert "active" not in page.ids["menu-household-new"]["class"]
    text = client.get(f"/households/{poor_household.pk}/").content.decode()
    crumbs = re.search(r'<ol class="breadcrumb" id="breadcrumbs">(.*?)</ol>', text, re.S).group(1)
    assert "工作台" in crumbs and "家庭查询" in crumbs


def test_public_pages_carry_the_bureaus_name_and_fit_a_phone(city):
    for url in ("/", "/public/notices/370811001001/"):
        text = Client().get(url).content.decode()
        assert 'id="bureau"' in text and "济宁市民政局" in text, url
        assert 'name="viewport" content="width=device-width' in text, url
        assert 'id="side-menu"' not in text  # no office menu for the public


# ---- my tasks -------------------------------------------------------------------------------


@pytest.fixture
def queue(city, monkeypatch):
    """Cases in every state that waits for someone, in township 370811001; then "today" is TODAY + 20."""
    village = Area.objects.get(code="370811001001")
    clerk, approver = city["clerk"], city["approver"]
    rng = random.Random(7)

    def household():
        return demo.make_household(clerk, village, rng, TODAY, size=1, wage_fen=0)

    def precheck(on):
        h = household()
        return services.start_precheck(clerk, household=h, programme="dibao", applicant=h.members.get(), on=on)

    def accepted(on):
        c = precheck(on)
        return services.accept(clerk, c, version=c.version, on=on)

    def investigated(on, by=clerk):
        c = accepted(on)
        return services.record_home_visit(by, c, version=c.version, on=on, investigators=["甲", "乙"],
                                          family_signed=True, findings="属实")  # fmt: skip

    def noticed(on):
        c = investigated(on)
        return services.approve(approver, c, version=c.version, on=on, opinion="同意")

    cases = {
        "precheck": precheck(TODAY),
        "accepted": accepted(TODAY + timedelta(days=1)),
        "investigated": investigated(TODAY),
        "visited_by_approver": investigated(TODAY, by=approver),
        "notice_over": noticed(TODAY),
        "notice_running": noticed(TODAY + timedelta(days=16)),
    }
    today = TODAY + timedelta(days=20)
    real = timezone.localdate
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: real(*a, **k) if a or k else today)
    return {k: type(c).objects.get(pk=c.pk) for k, c in cases.items()} | {"today": today}


def test_my_tasks_hold_what_waits_for_my_step_due_dates_first(city, queue):
    today = queue["today"]
    clerk = list(my_tasks(city["clerk"], today))
    assert {c.pk for c in clerk} == {queue["precheck"].pk, queue["accepted"].pk}
    approver = list(my_tasks(city["approver"], today))
    # Not the case whose home visit this approver recorded (another approver decides it), nor
    # the notice still running.
    assert {c.pk for c in approver} == {queue["investigated"].pk, queue["notice_over"].pk}
    for rows in (clerk, approver):
        dues = [c.due_on for c in rows]
        assert dues == sorted(dues)
    county = list(my_tasks(city["county"], today))
    assert county and all(c.due_on < today for c in county)
    assert [c.due_on for c in county] == sorted(c.due_on for c in county)
    assert not my_tasks(city["other_clerk"], today).exists()  # another township's cases are not mine
    assert not my_tasks(city["auditor"], today).exists() and not my_tasks(city["verifier"], today).exists()


def test_my_tasks_page_and_the_count_in_the_menu(city, queue):
    client = client_for(city["approver"])
    text = client.get("/tasks/").content.decode()
    rows = re.findall(r'<a href="/cases/(\d+)/">', text.split('id="my-tasks"')[1])
    expected = sorted([queue["investigated"], queue["notice_over"]], key=lambda c: (c.due_on, c.pk))
    assert [int(r) for r in rows] == [c.pk for c in expected]
    assert Html(text).ids["my-tasks-count"] and re.search(r'id="my-tasks-count">2<', text)
    assert re.search(r'id="my-tasks-count">2<', client_for(city["clerk"]).get("/desk/").content.decode())


# ---- confirmation before grave steps -----------------------------------------------------------


def test_withdraw_suspend_and_terminate_ask_first(city, queue):
    text = client_for(city["clerk"]).get(f"/cases/{queue['accepted'].pk}/").content.decode()
    form = re.search(r'<form[^>]*data-step="withdraw"[^>]*>', text).group(0)
    assert 'data-confirm="' in form and "撤回" in form
    accept = re.search(r'<form[^>]*data-step="record_home_visit"[^>]*>', text).group(0)
    assert "data-confirm" not in accept  # the ordinary steps do not ask
    assert 'id="confirm-dialog"' in text


# ---- errors in Chinese ------------------------------------------------------------------------


def test_not_found_is_a_chinese_page_in_the_frame(city):
    answer = client_for(city["clerk"]).get("/cases/999999/")
    text = answer.content.decode()
    assert answer.status_code == 404 and "未找到" in text and 'id="side-menu"' in text
    anonymous = Client().get("/no-such-page/")
    assert anonymous.status_code == 404 and "未找到" in anonymous.content.decode()


def test_a_server_error_is_a_chinese_page_with_a_reference_in_the_log(city, settings, caplog, monkeypatch):
    from safetynet.cases import views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.selectors, "open_cases", broken)
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(city["clerk"])
    with caplog.at_level("ERROR", logger="safetynet.errors"):
        answer = client.get("/desk/")
    text = answer.content.decode()
    assert answer.status_code == 500 and "系统内部错误" in text and "Traceback" not in text and "boom" not in text
    reference = answer["X-Error-Reference"]
    assert re.search(rf'id="error-reference">{reference}<', text)
    logged = [r for r in caplog.records if reference in r.getMessage()]
    assert logged and logged[0].exc_info and "boom" in str(logged[0].exc_info[1])


# ---- absurd values in every form: a field error, never a 5xx -------------------------------------

ABSURD = [
    {"text": "张" * 500, "number": "5", "date": "0001-01-01", "month": "0001-01", "select": "no-such-choice"},
    {"text": "", "number": "-1", "date": "9999-12-31", "month": "9999-99", "select": ""},
    {"text": "1e309", "number": "99999999999999999999999", "date": "2024-02-30", "month": "2024-13", "select": "0"},
    {"text": "' OR 1=1 --", "number": "1.5", "date": "yesterday", "month": "x", "select": "370811001001"},
]


def absurd_data(form: dict, values: dict) -> dict:
    data: dict[str, list[str]] = {}
    for f in form["fields"]:
        kind = f["type"]
        if f["name"] == "csrfmiddlewaretoken" or kind in ("submit", "button", "file"):
            continue
        if kind == "hidden":
            value = f["value"]
        elif kind == "date" or f["name"] in ("on", "signed_on", "since", "effective", "delivered", "from", "to"):
            value = values["date"]
        elif kind == "month" or f["name"] == "month":
            value = values["month"]
        elif kind == "number" or "grade" in f["name"] or "income" in f["name"] or "amount" in f["name"]:
            value = values["number"]
        elif kind == "checkbox":
            value = "on"
        elif f["tag"] == "select":
            value = values["select"]
        else:
            value = values["text"] if f["tag"] != "textarea" else values["text"] * 10
        data.setdefault(f["name"], []).append(value)
    return data


def visible_leaks(text: str) -> list[str]:
    """Field keys and enum values in the visible text of a Chinese page."""
    lines = Html(text).text
    return [t for t in lines if FIELD_KEY.search(t) or CODE_WORD.search(t)]


@pytest.fixture
def office(city, queue, poor_household):
    return queue | {"household": poor_household}


@pytest.mark.parametrize("who", ["clerk", "approver", "county", "city_admin", "verifier"])
def test_absurd_values_in_every_form_are_field_errors_never_a_server_error(city, office, who, settings):
    settings.DEBUG = False
    client = client_for(city[who])
    pages = ["/desk/", "/tasks/", "/households/", "/households/new/", f"/households/{office['household'].pk}/",
             "/deadlines/", "/notices/", "/notices/village/370811001001/", "/payroll/", "/reports/",
             "/verification/deliveries/", "/verification/runs/", "/verification/ledger/", "/verification/reports/",
             "/administration/calendar/", "/administration/parameters/", "/accounts/", "/accounts/password/",
             "/accounts/tokens/", "/audit/"]  # fmt: skip
    pages += [f"/cases/{c.pk}/" for c in office.values() if hasattr(c, "state")]
    tried = 0
    for url in pages:
        answer = client.get(url)
        if answer.status_code != 200:
            continue
        for form in Html(answer.content.decode()).forms:
            action = form["action"] or url
            if "logout" in action or "i18n" in action:
                continue
            for values in ABSURD:
                data = absurd_data(form, values)
                send = client.post if form["method"] == "post" else client.get
                result = send(action, data, follow=True)
                tried += 1
                assert result.status_code < 500, (who, url, action, values, result.status_code)
                # The audit trail shows each event's recorded data as it was stored: evidence, not a message.
                audit = result.request["PATH_INFO"].startswith("/audit/")
                if result.status_code < 400 and "html" in result.get("Content-Type", "") and not audit:
                    leaks = visible_leaks(result.content.decode())
                    assert not leaks, (who, url, action, values, leaks)
    assert tried > 20


# ---- English pages ----------------------------------------------------------------------------


def test_english_pages_translate_their_option_lists(city, office):
    client = client_for(city["city_admin"], lang="en")
    client.cookies["django_language"] = "en"
    for url in ["/households/", "/deadlines/", "/notices/", "/payroll/", "/reports/", "/verification/runs/",
                "/verification/ledger/", "/administration/parameters/",
                f"/households/{office['household'].pk}/"]:  # fmt: skip
        page = Html(client.get(url).content.decode())
        # Places (value: an area code) are data and keep their names. (The department data items
        # of /verification/deliveries/ have Chinese names only, in the batch floor.)
        chinese = [(v, label) for v, label in page.options if HAN.search(label) and not (v or "").isdigit()]
        assert not chinese, (url, chinese)
    side = client.get("/desk/").content.decode().split('id="side-menu"')[1].split("</nav>")[0]
    assert "My tasks" in side and not HAN.search(re.sub(r"<[^>]+>", "", side))


# ---- dates the office refuses ------------------------------------------------------------------


def test_an_authorisation_signed_tomorrow_is_refused_in_words(city, poor_household):
    from safetynet.cases.models import Authorization

    before = Authorization.objects.count()
    tomorrow = timezone.localdate() + timedelta(days=1)
    ticks = {f"p{p.pk}": "on" for p in poor_household.members.all()}
    answer = client_for(city["clerk"]).post(f"/households/{poor_household.pk}/authorize/",
                                            {"signed_on": tomorrow.isoformat(), "document": "SQ-1", **ticks},
                                            follow=True)  # fmt: skip
    text = " ".join(Html(answer.content.decode()).text)
    assert answer.status_code < 500 and "晚于今天" in text and "signed_on" not in text
    assert Authorization.objects.count() == before


def test_a_payroll_for_a_month_not_begun_is_refused(city):
    from safetynet.payments.models import PayrollRun

    today = timezone.localdate()
    next_month = (today.replace(day=1) + timedelta(days=32)).strftime("%Y-%m")
    answer = client_for(city["approver"]).post("/payroll/compute/", {"township": "370811001", "month": next_month,
                                                                      "programme": "dibao"}, follow=True)  # fmt: skip
    assert answer.status_code < 500 and "尚未开始" in answer.content.decode()
    assert not PayrollRun.objects.exists()
