"""Public notices of decisions: what the law allows to be shown, and nothing more.

The village notice lists the name, household size and amount of each decision; no ID number,
address, health or disability. The online list of the county and city websites masks the given
name (张* / 欧阳**).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Min, QuerySet
from django.http import Http404

from safetynet.cases.models import Case
from safetynet.notices.models import Letter
from safetynet.policy.money import fmt
from safetynet.registry.models import Area
from safetynet.registry.selectors import scope_prefix

# Two-character surnames (复姓) that stay whole when the given name is masked.
COMPOUND_SURNAMES = frozenset(
    "欧阳 太史 端木 上官 司马 东方 独孤 南宫 万俟 闻人 夏侯 诸葛 尉迟 公羊 赫连 澹台 皇甫 宗政 濮阳 公冶 "
    "太叔 申屠 公孙 慕容 仲孙 钟离 长孙 宇文 司徒 鲜于 司空 闾丘 子车 亓官 司寇 巫马 公西 颛孙 壤驷 公良 "
    "漆雕 乐正 宰父 谷梁 拓跋 夹谷 轩辕 令狐 段干 百里 呼延 东郭 南门 羊舌 微生 公户 公玉 公仪 梁丘 公仲 "
    "公上 公门 公山 公坚 左丘 公伯 西门 公祖 第五 公乘 贯丘 公皙 南荣 东里 东宫 仲长 子书 子桑 即墨 达奚 "
    "褚师".split()
)


def mask_name(name: str) -> str:
    """张三 -> 张*, 欧阳娜娜 -> 欧阳**: the surname stays, each character of the given name is masked."""
    name = name.strip()
    surname = name[:2] if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else name[:1]
    return surname + "*" * (len(name) - len(surname))


@dataclass(frozen=True)
class NoticeLine:
    name: str
    household_size: int
    programme: str
    monthly_amount: str
    decision: str
    notice_starts_on: date
    notice_ends_on: date


def _posted(village: Area) -> QuerySet[Case]:
    """The village's cases that were posted: approvals under notice and terminations posted."""
    return Case.objects.filter(area_code=village.code, notice_starts_on__isnull=False).exclude(
        state__in=("refused", "withdrawn"))


def first_posting(village: Area) -> date | None:
    """The day of the village's first posting (its first case on the notice), None if none: a
    query of the notice does not reach before it."""
    return _posted(village).aggregate(first=Min("notice_starts_on"))["first"]


def village_notice(village: Area, start: date, end: date, *, masked: bool = False) -> list[NoticeLine]:
    """Decisions posted in ``village`` between ``start`` and ``end``: approvals under notice and
    terminations being posted. Public by law: no scoping, no personal data beyond the list. The
    size column counts the persons the decision covers (``Case.persons_covered``: a member covered
    alone counts one, not the household)."""
    cases = (
        _posted(village).filter(notice_starts_on__lte=end, notice_ends_on__gte=start)
        .select_related("applicant")
        .order_by("notice_starts_on", "id")
    )
    lines = []
    for case in cases:
        name = mask_name(case.applicant.name) if masked else case.applicant.name
        decision = "终止保障" if case.state in ("ending", "terminated") else "拟确认"
        lines.append(NoticeLine(name, case.persons_covered or 0, case.get_programme_display(),
                                fmt(case.monthly_amount_fen or 0), decision, case.notice_starts_on,
                                case.notice_ends_on))  # fmt: skip
    return lines


def notice_period(lines: list[NoticeLine]) -> tuple[date, date] | None:
    """The period the posted list itself runs: from the first posting to the last day of notice
    (not the window the clerk searched), or None for an empty list."""
    if not lines:
        return None
    return min(line.notice_starts_on for line in lines), max(line.notice_ends_on for line in lines)


# ---- letters ----------------------------------------------------------------------------------


def letters_for(user) -> QuerySet[Letter]:
    """The letters of the cases in the user's area."""
    prefix = scope_prefix(user)
    if prefix is None:
        return Letter.objects.none()
    return Letter.objects.filter(case__area_code__startswith=prefix).select_related("case__applicant")


def letter_for(user, letter_id: int) -> Letter:
    """One letter; outside the user's area it does not exist."""
    try:
        return letters_for(user).get(pk=letter_id)
    except (Letter.DoesNotExist, ValueError):
        raise Http404("letter") from None


def letters_of(case: Case) -> list[Letter]:
    """A case's letters, newest first (the case is already read through a scoped selector)."""
    return list(case.letters.select_related("event").order_by("-event__at", "-event_id"))
