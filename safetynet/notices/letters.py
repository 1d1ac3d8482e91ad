"""What a township's letter says: the decision, the month, the amount and how it was computed, the
approver's opinion, the legal basis by full title and article, the appeal route and the seal.

``letter_content`` reads the case and the decision's event and returns the letter as issued (a
dict kept on the ``Letter``), so the HTML page and the PDF print the same words. Official letters
are in Chinese whatever the interface language.
"""

from __future__ import annotations

from datetime import date

from safetynet.cases import programmes
from safetynet.cases.models import Case, CaseEvent
from safetynet.policy.areas import get_area
from safetynet.policy.errors import PolicyError
from safetynet.policy.money import fmt
from safetynet.policy.parameters import lookup
from safetynet.policy.reasons import DOCUMENTS, REASONS, basis, cites
from safetynet.site.personal import mask_id

# The decisions served in writing, and the letter each one gets, are declared with each programme
# (``cases.programmes``; a monthly programme's approval is decided when the notice closes without
# objection, 低保-2021: the decision follows the notice).
TITLES = {"approval": "审核确认决定书", "refusal": "不予确认决定书", "termination": "终止救助决定书",
          "change": "救助金额变更决定书"}  # fmt: skip
# A short word for the document number (机关代字): one register per township and year.
NUMBER_WORD = "救助"


def latest_decision(case: Case) -> CaseEvent | None:
    """The case's last decision served in writing: the letter a case prints is always this one's."""
    decisions = programmes.get(case.programme).decisions
    return case.events.filter(transition__in=list(decisions)).order_by("-at", "-id").first()


def decision_kind(case: Case, event: CaseEvent) -> str:
    """The letter a decision gets (approval, refusal, termination, change), as its programme declares."""
    return programmes.get(case.programme).decisions[event.transition]


def month_text(month: date | None) -> str:
    return f"{month.year}年{month.month}月" if month else ""


def day_text(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def number_text(township_name: str, year: int, serial: int, word: str = NUMBER_WORD) -> str:
    """任城区城关街道救助〔2026〕12号: the township, the word, the year in 〔〕, the serial. The
    township's other papers run their own series under their own word (documents: 证明, 公示 ...)."""
    return f"{township_name}{word}〔{year}〕{serial}号"


def seal_name(township_name: str) -> str:
    """Who signs: a street's office (街道办事处) or a town's or township's people's government."""
    return f"{township_name}办事处" if township_name.endswith("街道") else f"{township_name}人民政府"


def opinion_of(event: CaseEvent | None) -> str:
    """The approver's opinion (审核意见) written with a step: its own field where the step has one,
    else the step's note."""
    if event is None:
        return ""
    data = event.data or {}
    return str(data.get("opinion") or event.note or "").strip()


def _previous(case: Case, event: CaseEvent, *transitions: str) -> CaseEvent | None:
    return (
        case.events.filter(transition__in=transitions, at__lte=event.at)
        .exclude(pk=event.pk)
        .order_by("-at", "-id")
        .first()
    )


def _part(case: Case) -> dict | None:
    """The programme's part of the case's stored assessment (the household's dibao, or the
    applicant's tekun)."""
    return programmes.get(case.programme).part(case, case.assessment) if case.assessment else None


def _assessed_month(case: Case) -> date:
    month = (case.assessment or {}).get("month")
    try:
        return date.fromisoformat(f"{month}-01")
    except (TypeError, ValueError):
        return case.decision_month or case.opened_on


def reasons_of(case: Case) -> list[dict]:
    """The assessment's reasons with their basis in force in the month assessed, worked out again
    from the code: an assessment stored before the bases named their documents in full still
    prints them in full."""
    part, month = _part(case), _assessed_month(case)
    out = []
    for r in (part or {}).get("reasons", []):
        code = r.get("code")
        out.append({"text": r.get("text", ""), "basis": basis(code, month) if code in REASONS else r.get("basis", "")})
    return out


def computation(case: Case) -> list[str]:
    """How the amount was computed, line by line, from the stored assessment."""
    part = _part(case)
    return programmes.get(case.programme).computation(case, part) if part else []


def standard_documents(case: Case, month: date) -> list[str]:
    """The documents that set the standards in force in ``month``: a value the city entered in the
    office cites its own document (title, number, date); a shipped one, the city's 2020 standards."""
    out: list[str] = []
    for name in programmes.get(case.programme).standards:
        try:
            entry = lookup(name, case.area_code[:6], month)[1]
        except PolicyError:
            continue
        if entry.entered:
            title, _, rest = entry.reference.rpartition("（")
            document = (title if "《" in title else f"《{title}》") + (f"（{rest}" if title else entry.reference)
        else:
            document = DOCUMENTS["济宁-标准"]
        if document not in out:
            out.append(document)
    return out


def procedure_basis(case: Case, kind: str, on: date) -> str:
    """The documents the decision itself rests on (the reasons cite the rules of eligibility), and
    for an amount, the documents of the standards it was computed on."""
    standards = standard_documents(case, _assessed_month(case)) if kind in ("approval", "change") else []
    return cites(*programmes.get(case.programme).basis(kind, on), *standards)


def appeal_route(county_code: str, county_name: str) -> str:
    """Reconsideration within 60 days to the county-level people's government (复议法 2023, Arts.
    20, 24), or litigation within 6 months (诉讼法 Art. 46)."""
    try:
        confirmed = get_area(county_code).code_confirmed
    except PolicyError:
        confirmed = True
    # The three functional zones have no people's government of their own: the city's hears
    # the appeal [local, to confirm].
    government = f"{county_name}人民政府" if confirmed else "济宁市人民政府"
    return (
        f"如对本决定不服，可以自收到本决定书之日起六十日内向{government}申请行政复议，"
        f"也可以自收到本决定书之日起六个月内依法向人民法院提起行政诉讼"
        f"（依据{cites(('复议法', '第二十条、第二十四条'), ('诉讼法', '第四十六条'))}）。"
    )


def _effective(event: CaseEvent, case: Case) -> date | None:
    raw = (event.data or {}).get("effective")
    try:
        month = date.fromisoformat(raw) if raw else None
    except ValueError:
        month = None
    if month and case.entitlement_from:
        month = max(month, case.entitlement_from)  # a change never starts before the payments did
    return month


def letter_content(case: Case, event: CaseEvent) -> dict:
    """The letter of ``event``, a decision on ``case``, as it is issued."""
    kind = decision_kind(case, event)
    declaration = programmes.get(case.programme)
    programme = declaration.label
    village = case.household.village
    township, county = village.parent, village.parent.parent
    who = "你户" if declaration.unit == "household" else "你"
    data = event.data or {}
    applied = day_text(case.accepted_on or case.opened_on)
    content = {
        "kind": kind,
        "title": f"{programme}{TITLES[kind]}",
        "programme": programme,
        "township": township.name,
        "issuer": seal_name(township.name),
        "applicant": case.applicant.name,
        "applicant_id": mask_id(case.applicant.id_number),  # a served letter never shows the whole number
        "address": case.household.address,
        "decided_on": event.on.isoformat(),
        "date_text": day_text(event.on),
        "first_month": "",
        "month_label": "",
        "amount": "",
        "old_amount": "",
        "computation": [],
        "reasons": [],
        "grounds": "",
        "opinion": opinion_of(event),
        "basis": procedure_basis(case, kind, event.on),
        "appeal": appeal_route(county.code, county.name),
        "seal": f"{seal_name(township.name)}（盖章）",
    }
    if kind == "approval":
        approve = _previous(case, event, "approve")
        amount = (approve.data or {}).get("monthly_amount_fen") if approve else case.monthly_amount_fen
        content.update(
            first_month=month_text(case.entitlement_from),
            month_label="享受起始月份",
            amount=fmt(amount or 0),
            computation=computation(case),
            reasons=reasons_of(case),
            opinion=opinion_of(approve) or content["opinion"],
            body=(
                f"{who}于{applied}提出的{programme}申请，经入户调查、家庭经济状况核对和公示"
                f"（{day_text(case.notice_starts_on)}至{day_text(case.notice_ends_on)}），符合{programme}条件，"
                f"决定自{month_text(case.entitlement_from)}起给予{programme}，"
                f"每月救助金额 {fmt(amount or 0)} 元，按月发放。"
            ),
        )
    elif kind == "refusal":
        content.update(
            grounds=case.refusal_reasons or event.note,
            reasons=reasons_of(case),
            body=(
                f"{who}于{applied}提出的{programme}申请，经入户调查和家庭经济状况核对，"
                f"不符合{programme}条件，决定不予确认。"
            ),
        )
    elif kind == "termination":
        notice = _previous(case, event, "give_termination_notice")
        grounds = "渐退期已满" if event.transition == "end_graduated_exit" else opinion_of(notice)
        until = case.entitlement_until
        period = (
            f"，经公示（{day_text(case.notice_starts_on)}至{day_text(case.notice_ends_on)}）"
            if notice and case.notice_starts_on
            else ""
        )
        content.update(
            first_month=month_text(until),
            month_label="停发起始月份",
            old_amount=fmt(case.monthly_amount_fen or 0),
            grounds=grounds,
            body=(
                f"经核查，{who}不再符合{programme}条件{period}，决定自{month_text(until)}起终止{programme}，"
                f"停发救助金（原每月救助金额 {fmt(case.monthly_amount_fen or 0)} 元）。"
            ),
        )
    else:  # change
        old, new = data.get("old_amount_fen"), data.get("new_amount_fen", case.monthly_amount_fen)
        effective = _effective(event, case)
        how = "经复核" if event.transition == "continue_after_review" else "因保障标准调整，经重新核定"
        change = (
            f"由 {fmt(old)} 元调整为 {fmt(new)} 元" if old is not None and old != new else f"为 {fmt(new or 0)} 元"
        )
        content.update(
            first_month=month_text(effective),
            month_label="调整起始月份",
            amount=fmt(new or 0),
            old_amount=fmt(old) if old is not None else "",
            computation=computation(case),
            reasons=reasons_of(case),
            body=f"{how}，{who}仍符合{programme}条件，决定自{month_text(effective)}起每月救助金额{change}，按月发放。",
        )
    # A programme whose wording differs (paid once, decided by the county) words its own letter.
    return declaration.letter(case, event, content) if declaration.letter else content


def _document_and_articles(item: str) -> tuple[str, list[str]]:
    """《…》（number）第九条、第十二条 -> ("《…》（number）", ["第九条", "第十二条"])."""
    end = item.find("》")
    if end < 0:
        return item, []
    end += 1
    if item[end:end + 1] == "（":
        end = item.index("）", end) + 1
    rest = item[end:]
    return item[:end], [a for a in rest.split("、") if a] if rest.startswith("第") else ([rest] if rest else [])


def basis_lines(content: dict) -> list[str]:
    """Every document the letter cites, once each with all its articles, in the order first cited:
    the decision's own basis first, then the reasons'."""
    documents: dict[str, list[str]] = {}
    for text in [content.get("basis", ""), *(r.get("basis", "") for r in content.get("reasons", []))]:
        for item in filter(None, (t.strip() for t in text.split("；"))):
            document, articles = _document_and_articles(item)
            known = documents.setdefault(document, [])
            known.extend(a for a in articles if a not in known)
    return [document + "、".join(sorted(articles, key=_article_order)) for document, articles in documents.items()]


_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}


def _article_order(article: str) -> int:
    """第二十三条 -> 23 (第二十条至第二十三条 -> 20); anything else after the numbered articles."""
    if not article.startswith("第"):
        return 10_000
    n, digit = 0, 0
    for ch in article[1:]:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch == "百":
            n, digit = n + (digit or 1) * 100, 0
        elif ch == "十":
            n, digit = n + (digit or 1) * 10, 0
        else:
            break
    return n + digit
