"""Leaving dibao: the graduated exit (渐退) and the epidemic's pause of exits, as dated rules.

Three parameters hold them (POLICY.md §3, seed):

- ``graduated_exit_months``: a registered-poor household whose income has risen above the
  standard keeps its dibao 3 to 6 more months;
- ``graduated_exit_extension``: during the epidemic that period lasts at least until the end of
  2020 for the registered poor, for a graduated exit that starts or is still running then;
- ``dibao_exit_pause``: during the epidemic no dibao exit without a special cause (死亡、迁出、
  服刑、骗取、本人申请). Rising income is not one: that is the exit the pause holds back.

Each is looked up at the date of the act, so the same service applies 2020's rules to an act of
2020 and today's to an act of today. The reading of "special cause" is in docs/policy-engine.md.
"""

from __future__ import annotations

from datetime import date, timedelta

from safetynet.policy.errors import MESSAGES, FieldError, PolicyError
from safetynet.policy.months import add_months, first_of_next_month
from safetynet.policy.parameters import parameter, value

# Why a dibao or tekun case ends (the termination notice's cause), in Chinese and English.
CAUSES: dict[str, tuple[str, str]] = {
    "died": ("死亡", "died"),
    "moved_away": ("迁出本地", "moved away"),
    "imprisoned": ("服刑", "imprisoned"),
    "fraud": ("经核查隐瞒收入或财产（骗取救助）", "found by verification to have concealed income or assets"),
    "voluntary": ("本人书面申请退出", "asked in writing to leave"),
    "income_rose": ("家庭经济状况好转", "income or means have risen"),
    "other": ("其他", "other"),
}

MESSAGES.update({
    "exit_paused": {
        "zh": "{on} 处于疫情防控期间暂停低保退出的期间（至 {until}）：无特殊情形不得退出低保。"
              "请选择终止的特殊情形（{causes}），或按渐退、复核继续保障",
        "en": "{on} falls in the epidemic's pause of dibao exits (until {until}): no exit without a special "
              "cause. Choose the special cause ({causes_en}), or keep the case (graduated exit, review)",
    },
    "exit_cause": {
        "zh": "终止原因 {value} 不是已知的原因（应为：{choices}）",
        "en": "the cause {value} is not a known cause (one of: {choices})",
    },
    "graduated_exit_months": {
        "zh": "渐退期为 {low} 至 {high} 个月，实为 {months}",
        "en": "a graduated exit lasts {low} to {high} months, got {months}",
    },
})


def _area(area_code: str) -> str:
    return area_code[:6]


def graduated_exit_months(area_code: str, on: date) -> tuple[int, int]:
    """The fewest and most months of a graduated exit started on ``on``."""
    months = value("graduated_exit_months", _area(area_code), on)
    return int(months["min"]), int(months["max"])


def _extension(area_code: str, on: date) -> date | None:
    """The day a registered-poor household's graduated exit lasts at least until, on ``on``."""
    try:
        return value("graduated_exit_extension", _area(area_code), on)["registered_poor_until"]
    except PolicyError as exc:
        if exc.code == "before_first_value":
            return None
        raise


def graduated_exit_until(area_code: str, on: date, months: int, *, registered_poor: bool) -> date:
    """The first month no longer paid (``entitlement_until``) of a graduated exit started on
    ``on`` for ``months`` months: paid from the month after ``on``; where an extension is in force
    on the day it starts or on the last day of its months, at least to the extension's day."""
    until = add_months(first_of_next_month(on), months)
    if not registered_poor:
        return until
    extended = [d for d in (_extension(area_code, on), _extension(area_code, until - timedelta(days=1))) if d]
    return max([until, *(first_of_next_month(d) for d in extended)])


def exit_pause(area_code: str, on: date, programme: str) -> dict | None:
    """The pause of exits in force on ``on`` for ``programme``: its special causes and its end
    (the day before the next value), or None."""
    try:
        rule = value("dibao_exit_pause", _area(area_code), on)
    except PolicyError as exc:
        if exc.code == "before_first_value":
            return None
        raise
    if not rule["paused"] or programme not in rule["programmes"]:
        return None
    later = [e.effective for e in parameter("dibao_exit_pause").entries if e.effective > on]
    return {"special_causes": tuple(rule["special_causes"]), "until": later[0] - timedelta(days=1) if later else None}


def cause_label(code: str, lang: str = "zh") -> str:
    zh, en = CAUSES.get(code, (code, code))
    return zh if lang == "zh" else en


def exit_errors(area_code: str, on: date, programme: str, cause: str, *,
                causes: dict[str, tuple[str, str]] | None = None, required: bool = False) -> list[FieldError]:
    """A termination notice's cause, by the rules in force on ``on``: one of the programme's
    ``causes`` (dibao's by default) if any, or always where ``required``; and while exits are
    paused, one of the special causes."""
    causes = causes or CAUSES
    if required and not cause:
        return [FieldError("cause", "required")]
    if cause and cause not in causes:
        return [FieldError("cause", "exit_cause", value=cause[:40], choices=", ".join(causes))]
    pause = exit_pause(area_code, on, programme)
    if pause and cause not in pause["special_causes"]:
        special = pause["special_causes"]
        return [FieldError("cause", "exit_paused", on=on.isoformat(),
                           until=pause["until"].isoformat() if pause["until"] else "—",
                           causes="、".join(cause_label(c) for c in special),
                           causes_en=", ".join(cause_label(c, "en") for c in special))]  # fmt: skip
    return []
