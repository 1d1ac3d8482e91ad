"""The case page as a newcomer reads it: a case's check read by its own programme (a tekun case by
the tekun conditions and amount, a dibao case by the dibao computation), staff named by their
names and never their logins, one 文书 area whose PDFs open in a new tab, and no step offered to
a role that cannot take it."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from safetynet.cases import services as cases
from safetynet.documents import services as documents
from safetynet.policy import idnumber
from safetynet.policy.errors import InputError
from safetynet.registry import services as registry
from safetynet.registry.cards import with_check_digit
from safetynet.registry.models import Area
from safetynet.verification import services as verification
from tests.office.conftest import TODAY

CHECK_MONTH = date(2026, 11, 1)
DELIVERED = date(2026, 10, 31)


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _alone(city, seed: int, village: str = "370811001001"):
    """A person alone, born 1943, no income, no obligor able to support: meets both the dibao and
    the tekun conditions on what was declared."""
    number = idnumber.generate(village[:6], date(1943, 5, 1), seed, "male")
    household = registry.create_household(city["clerk"], village=Area.objects.get(code=village), hukou="rural",
                                          address=f"张庄村{seed}号", members=[{
                                              "id_number": number, "name": f"张老{seed}", "relation": "head",
                                              "able_obligor": False, "adl_unmet": 6,
                                              "bank_card": with_check_digit(f"622848{seed:012d}"),
                                          }])  # fmt: skip
    head = household.members.get()
    cases.record_authorization(city["clerk"], id_number=number, signed_on=TODAY, document=f"SQ{seed}", person=head)
    return household, head


def _checked_case(city, settings, tmp_path, programme: str, seed: int):
    """A case whose household the departments report holding 250,000 yuan of deposits."""
    settings.FEED_STORE = tmp_path / "feeds"
    settings.FEED_STORE.mkdir(exist_ok=True)
    household, head = _alone(city, seed)
    case = cases.start_precheck(city["clerk"], household=household, programme=programme, applicant=head, on=TODAY)
    deposits = tmp_path / f"deposits-{seed}.csv"
    deposits.write_text(f"id_number,institution,balance,as_of\n{head.id_number},济宁银行,250000.00,2026-10-31\n")
    verification.import_delivery(city["verifier"], deposits, "deposits", DELIVERED)
    verification.check_household(city["verifier"], household, month=CHECK_MONTH, programme=programme)
    return case


def _section(page: str, start: str, end: str) -> str:
    return page[page.index(start):page.index(end, page.index(start))]


def test_a_tekun_case_reads_its_check_by_the_tekun_conditions_and_amount(city, settings, tmp_path):
    case = _checked_case(city, settings, tmp_path, "tekun", 11)
    page = _client(city["clerk"]).get(f"/cases/{case.pk}/").content.decode()
    check = _section(page, 'id="checks"', 'id="visits"')
    # The verdict is the tekun's: on the department data the person's assets exceed the limit.
    verdict = re.search(r'check-programme">([^<]+)</span><span class="badge[^"]*check-verdict">([^<]+)<', check)
    assert verdict.groups() == ("按特困条件：", "不再符合条件")
    reading = _section(check, 'id="check-reading"', "</table>")
    declared, found = re.findall(r'<td class="check-amount">(.*?)</td>', reading, re.S)
    assert "基本生活标准" in declared and "照料护理标准" in declared and "完全丧失生活自理能力" in declared
    assert "不符合条件" in found
    assert "属无劳动能力" in reading and "义务人" in reading
    # Nothing of the dibao's computation or amount on a tekun case's check.
    text = re.sub(r"<[^>]+>", "", check)
    assert "低保月保障金" not in text and "× 家庭人口" not in text and "按低保条件" not in text


def test_a_dibao_case_reads_the_same_check_by_the_dibao_computation(city, settings, tmp_path):
    case = _checked_case(city, settings, tmp_path, "dibao", 12)
    page = _client(city["clerk"]).get(f"/cases/{case.pk}/").content.decode()
    check = _section(page, 'id="checks"', 'id="visits"')
    verdict = re.search(r'check-programme">([^<]+)</span><span class="badge[^"]*check-verdict">([^<]+)<', check)
    assert verdict.groups() == ("按低保条件：", "不再符合条件")
    reading = _section(check, 'id="check-reading"', "</table>")
    declared, found = re.findall(r'<td class="check-amount">(.*?)</td>', reading, re.S)
    assert "低保标准" in declared and "家庭人口 1 人" in declared and "不符合条件" in found
    assert "照料护理标准" not in check


def test_the_reading_is_what_the_check_found_even_after_the_household_changed(city, settings, tmp_path):
    case = _checked_case(city, settings, tmp_path, "tekun", 13)
    head = case.household.members.get()
    registry.add_income(city["clerk"], head, kind="wage", monthly_fen=300000, since=TODAY - timedelta(days=400),
                        source="工资单")
    check = _section(_client(city["clerk"]).get(f"/cases/{case.pk}/").content.decode(), 'id="checks"', 'id="visits"')
    # The check's own reading (kept when it ran, not worked out again on today's record) ...
    verdict = re.search(r'check-programme">([^<]+)</span><span class="badge[^"]*check-verdict">([^<]+)<', check)
    assert verdict.groups() == ("按特困条件：", "不再符合条件")
    declared = re.findall(r'<td class="check-amount">(.*?)</td>', _section(check, 'id="check-reading"', "</table>"),
                          re.S)[0]
    assert "基本生活标准" in declared  # the wage added since is not in it
    # ... and the page says it is the check's, as of its day.
    day = timezone.localdate(case.household.checks.get().run.requested_at).isoformat()
    assert f"下表为该次核对时（{day}）的测算：此后登记的资料变更不在其中" in check


def test_a_check_made_before_readings_were_kept_says_so(city, settings, tmp_path):
    from safetynet.verification.models import CheckResult

    tekun = _checked_case(city, settings, tmp_path, "tekun", 21)
    dibao = _checked_case(city, settings, tmp_path, "dibao", 22)
    CheckResult.objects.update(readings={})  # as a check made before this change left it
    check = _section(_client(city["clerk"]).get(f"/cases/{tekun.pk}/").content.decode(), 'id="checks"', 'id="visits"')
    assert "check-predates" in check and "未保存按特困条件的测算结果" in check
    assert 'id="check-reading"' not in check and "check-verdict" not in check
    # a dibao case still has the check's own (dibao) verdict and amounts
    check = _section(_client(city["clerk"]).get(f"/cases/{dibao.pk}/").content.decode(), 'id="checks"', 'id="visits"')
    assert "按低保条件：" in check and "按申报核定低保月保障金" in check and "check-predates" not in check
    # and no warning on the tekun approval: there is no tekun reading to go against
    assert cases.check_against(tekun) is None and cases.check_against(dibao)["impact"] == "no_longer_eligible"


def _investigated(city, case):
    case = cases.accept(city["clerk"], case, version=case.version, on=TODAY)
    return cases.record_home_visit(city["clerk"], case, version=case.version, on=TODAY + timedelta(days=1),
                                   investigators=["甲", "乙"], family_signed=True, findings="属实")  # fmt: skip


def test_a_tekun_approval_against_a_failing_tekun_reading_needs_the_opinion_and_is_counted(city, settings,
                                                                                          tmp_path):
    case = _investigated(city, _checked_case(city, settings, tmp_path, "tekun", 23))
    c = _client(city["approver"])
    page = c.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="override-warning"' in page and "按特困条件不再符合条件" in page
    asked = {"version": case.version, "on": (TODAY + timedelta(days=2)).isoformat(), "support_mode": "dispersed"}
    r = c.post(f"/cases/{case.pk}/steps/approve/", {**asked, "opinion": ""})
    body = r.content.decode()
    assert r.status_code == 422
    # the message beside the opinion, and the form says why it is required: the check's tekun verdict
    field = body.index('id="approve-opinion"')
    assert body.index("请填写审核意见", field) < body.index("</form>", field)
    form = _section(body, 'id="approve-form"', "</form>")
    assert "结论为“按特困条件不再符合条件”：确认前须在审核意见中写明不采纳核对结论的理由" in form
    # a caller with no opinion at all (a script, the API's omission) is refused on the opinion too
    with pytest.raises(InputError) as refused:
        cases.approve(city["approver"], case, version=case.version, on=TODAY + timedelta(days=2))
    assert [(e.path, e.code) for e in refused.value.errors] == [("opinion", "override_opinion_required")]
    case.refresh_from_db()
    assert case.state == "investigated"
    r = c.post(f"/cases/{case.pk}/steps/approve/", {**asked, "opinion": "存款系代管的集体资金，经入户核实不属本人"})
    assert r.status_code == 302
    event = case.events.get(transition="approve")
    assert event.overrides_check and event.data["override"]["verdict"] == "按特困条件不再符合条件"
    # the county's list of approvals against the check shows it
    board = _client(city["county"]).get("/deadlines/").content.decode()
    assert f'href="/cases/{case.pk}/"' in _section(board, 'id="overrides"', "</table>")


def test_a_dibao_verdict_alone_does_not_hold_up_a_tekun_approval(city, settings, tmp_path):
    """The household's dibao fails on a relative's deposits; the applicant's own tekun conditions
    still hold on what the departments report: no warning, no override."""
    settings.FEED_STORE = tmp_path / "feeds"
    settings.FEED_STORE.mkdir(exist_ok=True)
    number = idnumber.generate("370811", date(1943, 5, 1), 24, "male")
    relative_number = idnumber.generate("370811", date(1950, 3, 1), 25, "female")
    household = registry.create_household(city["clerk"], village=Area.objects.get(code="370811001001"),
                                          hukou="rural", address="张庄村24号", members=[
        {"id_number": number, "name": "张老24", "relation": "head", "able_obligor": False, "adl_unmet": 6,
         "bank_card": with_check_digit(f"622848{24:012d}")},
        {"id_number": relative_number, "name": "张妹25", "relation": "other", "able_obligor": False},
    ])  # fmt: skip
    for person in household.members.all():
        cases.record_authorization(city["clerk"], id_number=person.id_number, signed_on=TODAY,
                                   document=f"SQ{person.pk}", person=person)  # fmt: skip
    head = household.members.get(relation="head")
    case = cases.start_precheck(city["clerk"], household=household, programme="tekun", applicant=head, on=TODAY)
    deposits = tmp_path / "deposits-25.csv"
    deposits.write_text(f"id_number,institution,balance,as_of\n{relative_number},济宁银行,250000.00,2026-10-31\n")
    verification.import_delivery(city["verifier"], deposits, "deposits", DELIVERED)
    run = verification.check_household(city["verifier"], household, month=CHECK_MONTH, programme="tekun")
    assert run.results.get().impact == "no_longer_eligible"  # the household's dibao
    case = _investigated(city, case)
    assert cases.check_against(case) is None
    case = cases.approve(city["approver"], case, version=case.version, on=TODAY + timedelta(days=2), opinion="同意")
    assert case.state == "notice" and not case.events.get(transition="approve").overrides_check


def test_staff_are_named_by_their_names_never_their_logins(city, settings, tmp_path):
    clerk = city["clerk"]
    clerk.first_name = "王芳"
    clerk.save()
    household, head = _alone(city, 14)
    case = cases.start_precheck(clerk, household=household, programme="dibao", applicant=head, on=TODAY)
    case = cases.accept(clerk, case, version=case.version, on=TODAY)
    case = cases.record_home_visit(city["approver"], case, version=case.version, on=TODAY + timedelta(days=1),
                                   investigators=["甲", "乙"], family_signed=True, findings="属实")  # fmt: skip
    page = _client(city["county"]).get(f"/cases/{case.pk}/").content.decode()
    timeline = _section(page, '<ol class="timeline">', "</ol>")
    assert timeline.count("王芳") == 2  # the pre-check and the acceptance
    # An account without a name is named by its role and the area it serves.
    assert "乡镇审核确认人员（" in timeline
    visit = _section(page, 'id="visits"', "</table>")
    assert "乡镇审核确认人员（" in visit
    body = _section(page, "<h1>", 'class="timeline"') + timeline
    for login in ("clerk", "approver"):
        assert not re.search(rf"(?<![\w-]){login}(?![\w-])", re.sub(r"<[^>]+>", " ", body)), login


def test_one_papers_area_lists_every_paper_and_opens_pdfs_in_a_new_tab(city, settings, tmp_path):
    household, head = _alone(city, 15)
    case = cases.start_precheck(city["clerk"], household=household, programme="dibao", applicant=head, on=TODAY)
    case = cases.accept(city["clerk"], case, version=case.version, on=TODAY)
    case = cases.record_home_visit(city["clerk"], case, version=case.version, on=TODAY + timedelta(days=1),
                                   investigators=["甲", "乙"], family_signed=True, findings="属实")  # fmt: skip
    case = cases.refuse(city["approver"], case, version=case.version, on=TODAY + timedelta(days=2),
                        reasons="演示：不予确认")  # fmt: skip
    letter = documents.issue_decision(city["approver"], case)
    application = documents.issue_application(city["clerk"], case)
    page = _client(city["clerk"]).get(f"/cases/{case.pk}/").content.decode()
    # One area: no separate letters button, one heading 文书.
    assert "case-letters" not in page and f"/cases/{case.pk}/letters/" not in page
    assert re.findall(r"<h2[^>]*>([^<]*文书[^<]*)</h2>", page) == ["文书"]
    papers = _section(page, 'id="papers"', 'class="timeline"')
    for doc in (letter, application):
        row = _section(papers, f'id="document-{doc.pk}"', "</tr>")
        assert doc.number in row and 'class="document-code"' in row
        link = re.search(r'<a [^>]*data-document-pdf[^>]*>', row).group(0)
        assert 'target="_blank"' in link and 'rel="noopener"' in link
    forms = re.findall(r"<form [^>]*data-document-kind[^>]*>", papers)
    assert forms and all('target="_blank"' in f and 'rel="noopener"' in f for f in forms)


@pytest.mark.parametrize("who", ["auditor", "county", "verifier"])
def test_a_role_that_cannot_act_is_offered_no_step_and_no_paper_to_issue(city, who):
    household, head = _alone(city, 16)
    case = cases.start_precheck(city["clerk"], household=household, programme="dibao", applicant=head, on=TODAY)
    page = _client(city[who]).get(f"/cases/{case.pk}/").content.decode()
    assert "data-step=" not in page and "data-document-kind" not in page and "下一步" not in page
    clerk = _client(city["clerk"]).get(f"/cases/{case.pk}/").content.decode()
    assert 'data-step="accept"' in clerk and 'data-document-kind="application"' in clerk


def test_the_check_pages_name_who_ran_a_check_never_by_login(city, settings, tmp_path):
    verifier = city["verifier"]
    verifier.first_name = "李核对"
    verifier.save()
    case = _checked_case(city, settings, tmp_path, "dibao", 17)
    run = case.household.checks.get().run
    c = _client(city["county"])
    for url in ("/verification/runs/", f"/verification/runs/{run.pk}/"):
        text = re.sub(r"<[^>]+>", " ", c.get(url).content.decode())
        assert "李核对" in text and not re.search(r"(?<![\w-])verifier(?![\w-])", text), url


def test_the_desk_shows_the_checks_verdict_only_on_the_cases_it_decides(city, settings, tmp_path):
    tekun = _checked_case(city, settings, tmp_path, "tekun", 18)
    dibao = _checked_case(city, settings, tmp_path, "dibao", 19)
    desk = _client(city["clerk"]).get("/desk/", {"page_size": 100}).content.decode()

    def verdict(case) -> str:
        row = _section(desk, f'href="/cases/{case.pk}/"', "</tr>")
        return re.sub(r"<[^>]+>", "", _section(row, 'class="check-verdict"', "</td>")).split(">", 1)[1].strip()

    assert verdict(dibao) == "不再符合条件"
    assert verdict(tekun) == "—"  # the dibao's verdict is not the tekun's


def test_a_programme_that_checks_no_ones_data_shows_no_empty_check_section(city, poor_household):
    from safetynet.children import services as children

    child = poor_household.members.order_by("pk").last()
    child.birth_date = date(2014, 5, 1)
    child.save()
    orphan = children.apply_child(city["clerk"], household=poor_household, applicant=child, father="dead",
                                  mother="dead", documents="父母死亡证明", on=TODAY)  # fmt: skip
    page = _client(city["clerk"]).get(f"/cases/{orphan.pk}/").content.decode()
    assert 'id="checks"' not in page and "尚无部门数据核对结果" not in page
    household, head = _alone(city, 20)
    dibao = cases.start_precheck(city["clerk"], household=household, programme="dibao", applicant=head, on=TODAY)
    assert "尚无部门数据核对结果" in _client(city["clerk"]).get(f"/cases/{dibao.pk}/").content.decode()


def test_the_timeline_and_the_written_decision_say_the_support_mode_a_decision_gave(city):
    from safetynet.care import services as care

    home = care.register_institution(city["county"], name="唐口街道敬老院", county="370811", capacity=1,
                                     township="370811001")  # fmt: skip
    household, head = _alone(city, 26)
    case = cases.start_precheck(city["clerk"], household=household, programme="tekun", applicant=head, on=TODAY)
    case = _investigated(city, case)
    case = care.approve_tekun(city["approver"], case, on=date(2024, 3, 6), opinion="符合条件",
                              support_mode="concentrated", institution=home.pk)  # fmt: skip
    case = cases.close_notice(city["approver"], case, version=case.version, on=date(2024, 3, 14))
    care.change_support(city["approver"], case, version=case.version, on=date(2024, 4, 2), support_mode="dispersed",
                        institution=None, reason="本人要求回家居住", care_acknowledged=True)  # fmt: skip
    page = _client(city["clerk"]).get(f"/cases/{case.pk}/").content.decode()
    timeline = re.sub(r"<[^>]+>", "", _section(page, '<ol class="timeline">', "</ol>"))
    assert "供养方式：集中供养（唐口街道敬老院）" in timeline
    assert "供养方式：分散供养（原为：集中供养（唐口街道敬老院））" in timeline
    decision = _client(city["clerk"]).get(f"/cases/{case.pk}/decision/").content.decode()
    assert re.sub(r"<[^>]+>", "", _section(decision, 'id="decision-support"', "</p>")).endswith(
        "供养方式：集中供养（唐口街道敬老院）")


def test_a_backdated_steps_confirmer_is_named_whether_kept_by_user_id_or_by_login(city):
    """Events now keep who asked and who confirmed by user id (tests/office/test_decision_file.py
    takes the step); those written before kept logins: the page names both."""
    from safetynet.cases.models import BackdatedAct, CaseEvent
    from safetynet.site import demo

    household, head = _alone(city, 27)
    case = cases.start_precheck(city["clerk"], household=household, programme="dibao", applicant=head, on=TODAY)
    case = _investigated(city, case)
    case = cases.refuse(city["approver"], case, version=case.version, on=TODAY + timedelta(days=2), reasons="不符合",
                        opinion="不予确认")  # fmt: skip
    second = demo.make_staff("approver2", "approver", "370811001")
    second.first_name = "赵确认"
    second.save()
    act = BackdatedAct.objects.create(case=case, transition="refuse", on=TODAY + timedelta(days=2), arguments={},
                                      version=case.version - 1, reason="系统故障", requested_by=city["approver"],
                                      status=BackdatedAct.Status.CONFIRMED, decided_by=second)  # fmt: skip
    event = case.events.get(transition="refuse")
    for kept in ({"requested_by": city["approver"].pk, "confirmed_by": second.pk},
                 {"requested_by": "approver", "confirmed_by": "approver2"}):
        CaseEvent.objects.filter(pk=event.pk).update(data={**event.data, "backdated": {"act": act.pk,
                                                                                       "reason": "系统故障", **kept}})
        page = _client(city["clerk"]).get(f"/cases/{case.pk}/").content.decode()
        assert "补录：系统故障（经 赵确认 确认）" in re.sub(r"<[^>]+>", "", page), kept
