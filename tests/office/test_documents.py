"""The township's papers as PDF: each kind printed from the office with its number, its
verification code and its QR; the public page (no login) says whether a code is genuine and the
paper current, or replaced by which; a typo in a code is said to be one; nothing personal leaks;
a township prints only its own papers."""

from __future__ import annotations

import io
import random
import re
import threading
from datetime import date, timedelta
from urllib.parse import parse_qs, urlparse

import pytest
import segno
from django.conf import settings
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from pypdf import PdfReader

from safetynet.cases import services as cases
from safetynet.documents import codes
from safetynet.documents.models import Document
from safetynet.documents.render import QR_BORDER, verify_url
from safetynet.notices.models import Letter
from safetynet.policy import idnumber
from safetynet.registry import services as registry
from safetynet.registry.models import Area
from safetynet.site import demo
from safetynet.supervision.models import AuditEvent
from tests.office.conftest import TODAY
from tests.office.test_letters import approved, client_for


def issue(user, case, kind: str, **data) -> tuple[Document, bytes]:
    """Issued from the case page's button, as the township does it: the PDF it leads to."""
    c = client_for(user)
    response = c.post(f"/cases/{case.pk}/documents/{kind}/", data)
    assert response.status_code == 302, response
    match = re.fullmatch(r"/documents/(\d+)\.pdf", response["Location"])
    assert match, (response["Location"], [str(m) for m in response.wsgi_request._messages])
    pdf = c.get(response["Location"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    return Document.objects.get(pk=int(match[1])), pdf.content


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in reader.pages))


def qr_matrix(content: bytes) -> list[list[bool]]:
    """The QR printed on the first page, read back module by module from the PDF's image."""
    reader = PdfReader(io.BytesIO(content))
    images = reader.pages[0].images
    assert len(images) == 1, [i.name for i in images]
    image = images[0].image.convert("L")
    width = image.width
    # segno's PNG: QR_BORDER modules of quiet zone each side; the module size follows.
    modules = None
    for size in range(21, 178, 4):
        if width % (size + 2 * QR_BORDER) == 0:
            modules = size
            break
    assert modules, width
    scale = width // (modules + 2 * QR_BORDER)
    pixels = image.load()
    return [[pixels[(QR_BORDER + x) * scale + scale // 2, (QR_BORDER + y) * scale + scale // 2] < 128
             for x in range(modules)] for y in range(modules)]  # fmt: skip


def expected_matrix(url: str) -> list[list[bool]]:
    return [[bool(v) for v in row] for row in segno.make_qr(url, error="m").matrix]


def verify(code: str, client: Client | None = None):
    response = (client or Client()).get("/public/documents/", {"code": code})
    return response, response.content.decode()


def verdict(page: str) -> str:
    block = page[page.index('id="verify-result"'):]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", block[:block.index("</div>")]))


def assert_paper(document: Document, content: bytes, *words: str) -> None:
    """The PDF carries its number, its code (grouped), the Chinese words and a QR of its address."""
    text = pdf_text(content)
    assert document.number in text
    assert codes.grouped(document.code) in text
    for word in words:
        assert re.sub(r"\s+", "", word) in text, (word, text)
    url = verify_url(document.code)
    assert qr_matrix(content) == expected_matrix("http://testserver" + url if url.startswith("/") else url)


# ---- codes ---------------------------------------------------------------------------------------


def test_codes_are_unguessable_and_a_typo_is_caught():
    seen = {codes.new_code() for _ in range(2000)}
    assert len(seen) == 2000 and all(len(c) == 16 and codes.is_valid(c) for c in seen)
    assert not set("01IO") & set("".join(seen))
    code = next(iter(seen))
    assert codes.normalise(codes.grouped(code).lower()) == code
    assert codes.normalise(" ".join(code[i:i + 4] for i in range(0, 16, 4))) == code
    for i in range(16):  # every single wrong symbol
        for wrong in codes.ALPHABET:
            if wrong != code[i]:
                assert not codes.is_valid(code[:i] + wrong + code[i + 1:])
    for i in range(15):  # every swap of two neighbours that differ
        if code[i] != code[i + 1]:
            assert not codes.is_valid(code[:i] + code[i + 1] + code[i] + code[i + 2:])


# ---- each kind, a real PDF -------------------------------------------------------------------------


def test_the_decision_pdf_carries_its_number_code_and_qr(city, poor_household):
    case = approved(city, poor_household)
    document, content = issue(city["approver"], case, "decision")
    letter = Letter.objects.get(case=case)
    assert document.letter == letter and document.number == letter.number and document.kind == "approval"
    amount = f"{case.monthly_amount_fen // 100}.{case.monthly_amount_fen % 100:02d}"
    assert_paper(document, content, "最低生活保障审核确认决定书", f"月救助金额{amount}元", "申请行政复议", "核验码")
    assert case.applicant.id_number not in pdf_text(content)
    # The letter's own PDF is the same paper: the same code.
    old = client_for(city["county"]).get(f"/letters/{letter.pk}.pdf")
    assert codes.grouped(document.code) in pdf_text(old.content)
    assert AuditEvent.objects.filter(action="document.issue", object_id=str(document.pk)).exists()


def test_the_application_the_authorisation_and_the_visit_record(city, poor_household):
    case = approved(city, poor_household)
    head = case.applicant
    application, content = issue(city["clerk"], case, "application")
    assert application.number.endswith(f"申请〔{application.year}〕1号")
    assert_paper(application, content, "最低生活保障申请书", head.name, "自愿申请最低生活保障",
                 "申请人（签字或按手印）")
    assert head.id_number not in pdf_text(content) and head.id_number[:6] + "********" in pdf_text(content)
    authorization, content = issue(city["clerk"], case, "authorization")
    assert_paper(authorization, content, "家庭经济状况核对授权书", "查询、核对本人的户籍、收入", "本人签字")
    visit = case.visits.get()
    record, content = issue(city["clerk"], case, "home_visit", visit=visit.pk)
    assert record.event.transition == "record_home_visit"
    assert_paper(record, content, "最低生活保障入户调查记录", "调查人员" + "、".join(visit.investigators), "属实",
                 "调查日期2024年3月5日", "家庭成员签字已签字确认")
    # Printed again unchanged: the same paper, the same number and code.
    again, _ = issue(city["approver"], case, "application")
    assert again.pk == application.pk


def test_the_proof_of_entitlement(city, poor_household):
    case = approved(city, poor_household)
    proof, content = issue(city["clerk"], case, "proof")
    amount = f"{case.monthly_amount_fen // 100}.{case.monthly_amount_fen % 100:02d}"
    assert_paper(proof, content, "享受社会救助待遇证明", case.applicant.name, "自2024年4月起享受最低生活保障待遇",
                 f"现每月救助金额{amount}元", "仍在享受上述待遇", "保障人口2人")
    assert proof.event.transition == "close_notice"


def test_no_proof_for_a_case_not_in_payment(city, poor_household):
    head = poor_household.members.get(relation="head")
    case = cases.start_precheck(city["clerk"], household=poor_household, programme="dibao", applicant=head, on=TODAY)
    page = client_for(city["clerk"]).post(f"/cases/{case.pk}/documents/proof/", follow=True).content.decode()
    assert "不在享受待遇期间，不能出具享受待遇证明" in page and not Document.objects.exists()


def test_the_village_notice_pdf(city, poor_household):
    head = poor_household.members.get(relation="head")
    case = cases.start_precheck(city["clerk"], household=poor_household, programme="dibao", applicant=head, on=TODAY)
    case = cases.accept(city["clerk"], case, version=case.version, on=TODAY)
    case = cases.record_home_visit(city["clerk"], case, version=case.version, on=TODAY, investigators=["甲", "乙"],
                                   family_signed=True, findings="属实")
    case = cases.approve(city["approver"], case, version=case.version, on=date(2024, 3, 6))
    c = client_for(city["clerk"])
    response = c.post(f"/documents/notices/{case.area_code}/", {"from": "2024-03-06", "to": "2024-03-31"})
    assert response.status_code == 302 and response["Location"].endswith(".pdf"), response
    notice = Document.objects.get(kind="village_notice")
    content = c.get(response["Location"]).content
    assert_paper(notice, content, "社会救助审核确认结果公示", "公示期间：2024年3月6日至2024年3月13日", head.name,
                 "拟确认")
    assert notice.number.endswith(f"公示〔{notice.year}〕1号")
    empty = c.post(f"/documents/notices/{case.area_code}/", {"from": "2024-05-01", "to": "2024-05-31"})
    assert empty["Location"].startswith(f"/notices/village/{case.area_code}/?from=2024-05-01")
    assert any("本村（居）无公示事项" in str(m) for m in get_messages(empty.wsgi_request))
    # bounded like the page: nothing before the village's first posting
    early = c.post(f"/documents/notices/{case.area_code}/", {"from": "2023-01-01", "to": "2023-01-31"})
    assert any("2024-03-06" in str(m) for m in get_messages(early.wsgi_request))
    assert Document.objects.filter(kind="village_notice").count() == 1
    # the staff's notice page offers the numbered PDF; the public list does not
    assert 'id="issue-notice"' in c.get(f"/notices/village/{case.area_code}/").content.decode()
    assert 'id="issue-notice"' not in Client().get(f"/public/notices/{case.area_code}/").content.decode()


# ---- the public page ------------------------------------------------------------------------------


def test_the_public_page_says_genuine_and_current_and_shows_nothing_personal(city, poor_household):
    case = approved(city, poor_household)
    document, _ = issue(city["approver"], case, "decision")
    anonymous = Client()
    response, page = verify(codes.grouped(document.code).lower(), anonymous)
    assert response.status_code == 200
    text = verdict(page)
    assert "真实文书，为现行有效的决定" in text and document.number in text and "现行有效" in text
    assert "最低生活保障审核确认决定书" in text and "办事处" in text
    name = case.applicant.name
    assert name not in page and name[0] + "*" * (len(name) - 1) in text  # masked at most
    for person in poor_household.members.all():
        assert person.id_number not in page and person.id_number[-4:] not in text
    amount = f"{case.monthly_amount_fen // 100}.{case.monthly_amount_fen % 100:02d}"
    assert amount not in page
    # The QR's address is this page with the code in it.
    query = parse_qs(urlparse(verify_url(document.code)).query)
    assert query == {"code": [codes.grouped(document.code)]}


def test_after_a_change_the_approval_says_replaced_by_the_new_number(city, poor_household):
    case = approved(city, poor_household)
    approval, _ = issue(city["approver"], case, "decision")
    proof, _ = issue(city["clerk"], case, "proof")
    head = poor_household.members.get(relation="head")
    registry.add_income(city["clerk"], head, kind="wage", monthly_fen=30000, since=date(2024, 3, 1), source="复核申报")
    on = date(2024, 3, 20)
    case = cases.start_review(city["clerk"], case, version=case.version, on=on)
    case = cases.continue_after_review(city["approver"], case, version=case.version, on=on)
    # The change decided, its letter not yet issued: replaced by a decision of that date.
    _, page = verify(proof.code)
    assert "已被 2024-03-20 作出的后续决定取代" in verdict(page)
    change, _ = issue(city["approver"], case, "decision")
    assert change.kind == "change"
    _, page = verify(approval.code)
    text = verdict(page)
    assert "已被取代" in text and f"已被 {change.number}（{change.issued_on.isoformat()} 出具）取代" in text
    _, page = verify(proof.code)
    assert f"已被 {change.number}" in verdict(page)
    _, page = verify(change.code)
    assert "为现行有效的决定" in verdict(page)
    # The case page says the same of its papers.
    panel = client_for(city["clerk"]).get(f"/cases/{case.pk}/").content.decode()
    assert f"已被 {change.number} 取代" in panel and 'id="documents"' in panel


def test_a_mistyped_code_is_said_to_be_one(city, poor_household):
    case = approved(city, poor_household)
    document, _ = issue(city["approver"], case, "decision")
    code = document.code
    typo = code[:5] + next(c for c in codes.ALPHABET if c != code[5]) + code[6:]
    response, page = verify(typo)
    assert response.status_code == 400 and "校验码有误" in page and 'id="verify-result"' not in page
    assert f'value="{typo}"' in page  # what was typed stays in the field
    response, page = verify(code[:12])
    assert response.status_code == 400 and "核验码为 16 位，您输入了 12 位" in page
    response, page = verify(code[:3] + "O" + code[4:])
    assert response.status_code == 400 and "核验码中没有“O”" in page
    response, page = verify("")
    assert response.status_code == 400 and "请输入文书页脚的核验码" in page
    # Well formed, but no paper has it.
    body = codes.new_code()[:-1]
    response, page = verify(body + codes.check_symbol(body))
    assert response.status_code == 404 and "未查到使用该核验码的文书" in page


def test_the_public_page_speaks_english_and_is_throttled(city, poor_household, settings):
    case = approved(city, poor_household)
    document, _ = issue(city["approver"], case, "decision")
    c = Client()
    c.post("/i18n/setlang/", {"language": "en"})
    _, page = verify(document.code, c)
    assert "Genuine document: the decision in force." in page
    _, page = verify(document.code[:-1] + ("2" if document.code[-1] != "2" else "3"), c)
    assert "Check character wrong" in page
    settings.SAFETYNET_VERIFY_PER_MINUTE = 0
    response, page = verify(document.code, Client(REMOTE_ADDR="10.9.9.9"))
    assert response.status_code == 429 and "查询过于频繁" in page


def test_a_liaison_reaches_the_public_page(city, poor_household):
    case = approved(city, poor_household)
    document, _ = issue(city["approver"], case, "decision")
    response, page = verify(document.code, client_for(city["medical"]))
    assert response.status_code == 200 and "现行有效" in page
    assert client_for(city["medical"]).get(f"/documents/{document.pk}.pdf").status_code in (403, 404)


# ---- who prints what --------------------------------------------------------------------------------


def test_a_township_prints_only_its_own_papers(city, poor_household):
    case = approved(city, poor_household)
    document, _ = issue(city["approver"], case, "application")
    stranger = client_for(city["other_clerk"])
    assert stranger.get(f"/documents/{document.pk}.pdf").status_code == 404
    assert stranger.post(f"/cases/{case.pk}/documents/application/").status_code == 404
    assert stranger.post(f"/households/{poor_household.pk}/documents/authorization/").status_code == 404
    assert stranger.post(f"/documents/notices/{case.area_code}/", {"from": "2024-03-01"}).status_code == 404
    assert client_for(city["county"]).get(f"/documents/{document.pk}.pdf").status_code == 200
    # The county reads, the township issues.
    page = client_for(city["county"]).post(f"/cases/{case.pk}/documents/proof/", follow=True).content.decode()
    assert Document.objects.filter(kind="proof").count() == 0 and "出具享受待遇证明" in page
    assert Client().get(f"/documents/{document.pk}.pdf").status_code == 302  # to the login


def test_the_household_page_prints_the_authorisation(city, poor_household):
    c = client_for(city["clerk"])
    page = c.get(f"/households/{poor_household.pk}/").content.decode()
    assert 'id="issue-authorization"' in page
    response = c.post(f"/households/{poor_household.pk}/documents/authorization/")
    document = Document.objects.get(kind="authorization")
    assert response["Location"] == f"/documents/{document.pk}.pdf"
    content = c.get(response["Location"]).content
    names = [p.name for p in poor_household.members.all()]
    assert_paper(document, content, *names, "同意并授权任城区民政局")
    page = c.get(f"/households/{poor_household.pk}/").content.decode()
    assert document.number in page and f'href="/documents/{document.pk}.pdf"' in page
    # A member joins: printed again, a new paper with a new number, and the first says it is replaced.
    number = idnumber.generate("370811", date(2010, 5, 6), 31)
    registry.add_member(city["clerk"], poor_household, {"id_number": number, "name": "孙小满", "relation": "child"},
                        joined_on=TODAY, source="出生登记")  # fmt: skip
    c.post(f"/households/{poor_household.pk}/documents/authorization/")
    second = Document.objects.filter(kind="authorization").latest("id")
    assert second.pk != document.pk and second.serial == document.serial + 1
    assert "孙小满" in pdf_text(c.get(f"/documents/{second.pk}.pdf").content)
    _, page = verify(document.code)
    assert f"已被 {second.number}" in verdict(page) and "孙" not in verdict(page)


def test_the_old_letters_get_codes_from_the_migration(city, poor_household):
    import importlib

    from django.apps import apps

    case = approved(city, poor_household)
    letter = Letter.objects.create(case=case, event=case.events.get(transition="close_notice"), kind="approval",
                                   township=case.household.village.parent, year=2024, serial=7,
                                   number="x救助〔2024〕7号",
                                   issued_on=TODAY + timedelta(days=10), content={"issuer": "x"})  # fmt: skip
    migration = importlib.import_module("safetynet.documents.migrations.0002_letters_registered")
    migration.register_letters(apps, None)
    document = Document.objects.get(letter=letter)
    assert codes.is_valid(document.code) and document.number == letter.number and document.serial == 7
    assert document.case == case and document.issued_on == letter.issued_on
    migration.register_letters(apps, None)  # run twice: nothing doubled
    assert Document.objects.filter(letter=letter).count() == 1


POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


@pytest.mark.skipif(not POSTGRES, reason="needs concurrent connections: runs on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_papers_printed_at_once_get_distinct_numbers_and_one_paper_each():
    """Three cases' applications printed at the same moment, and one of them twice: three papers,
    numbers 1 to 3 of the series, none shared, the one printed twice is one paper."""
    demo.build_areas(counties=["370811"], townships=1, villages=1)
    staff = {"clerk": demo.make_staff("c1", "clerk", "370811001"),
             "approver": demo.make_staff("a1", "approver", "370811001")}  # fmt: skip
    village = Area.objects.get(code="370811001001")
    cases_ = [approved(staff, demo.make_household(staff["clerk"], village, random.Random(40 + i), TODAY, size=1,
                                                  wage_fen=0)) for i in range(3)]  # fmt: skip
    barrier = threading.Barrier(4)
    outcomes: list[object] = []

    def print_at_once(case_id: int) -> None:
        from safetynet.cases.models import Case
        from safetynet.documents.services import issue_application

        try:
            barrier.wait()
            outcomes.append(issue_application(staff["clerk"], Case.objects.get(pk=case_id)).pk)
        except Exception as exc:  # noqa: BLE001 - any failure is the test's finding
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=print_at_once, args=(c.pk,)) for c in [*cases_, cases_[0]]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(isinstance(o, int) for o in outcomes), outcomes
    assert sorted(Document.objects.filter(kind="application").values_list("serial", flat=True)) == [1, 2, 3]
    assert len(set(outcomes)) == 3
