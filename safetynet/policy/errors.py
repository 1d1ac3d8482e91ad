"""Errors the policy floor raises, with messages in Chinese and English.

A PolicyError carries a code and its parameters, not a finished sentence, so each interface can
say it in the user's language. An InputError gathers every problem of one input, each with the
path of the field (``members[1].id_number``), so the user can fix them all at once.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "unknown_area": {
        "zh": "未知的县级区划代码 {code}（已知：{known}）",
        "en": "unknown area code {code} (known: {known})",
    },
    "unknown_parameter": {
        "zh": "未知的政策参数 {name}",
        "en": "unknown policy parameter {name}",
    },
    "before_first_value": {
        "zh": "{date} 时参数 {name} 尚无已知取值：最早的已知生效日期为 {first}",
        "en": "parameter {name} has no known value on {date}: the first date known is {first}",
    },
    "parameter_key": {
        "zh": "参数 {name} 没有 {key} 的取值（可选：{known}）",
        "en": "parameter {name} has no value for {key} (known: {known})",
    },
    "calendar_year_missing": {
        "zh": "缺少 {year} 年的节假日安排：请按国务院办公厅的放假通知在 {file} 中补充 {year} 年",
        "en": "the holiday calendar for {year} is missing: add {year} to {file} "
        "from the State Council's holiday notice",
    },
    "calendar_year_out_of_range": {
        "zh": "{year} 年超出可推算的日历范围（1901–2099 年）",
        "en": "{year} is outside the range the calendar can work out (1901-2099)",
    },
    "parameter_not_pending": {
        "zh": "该参数取值已{status}，不能再复核",
        "en": "this value is already {status} and cannot be reviewed again",
    },
    "parameter_same_administrator": {
        "zh": "录入人不能复核自己录入的参数，请由另一位市级管理员复核",
        "en": "the administrator who entered a value cannot confirm it: a second administrator must",
    },
    "calendar_file": {
        "zh": "节假日补充文件 {file} 有误：{detail}",
        "en": "holiday extension file {file} is invalid: {detail}",
    },
    # Resident ID numbers (GB 11643-1999)
    "id_type": {"zh": "身份证号码应为文本", "en": "the ID number must be a string"},
    "id_length": {
        "zh": "身份证号码应为 18 位，实为 {length} 位",
        "en": "an ID number has 18 characters, this one has {length}",
    },
    "id_chars": {
        "zh": "身份证号码前 17 位应为数字，第 18 位为数字或 X",
        "en": "an ID number is 17 digits followed by a digit or X",
    },
    "id_area": {
        "zh": "身份证号码前 6 位 {prefix} 不是有效的行政区划代码",
        "en": "the first six digits {prefix} are not a valid administrative division code",
    },
    "id_birth_date": {
        "zh": "身份证号码中的出生日期 {birth} 不是有效日期",
        "en": "the birth date {birth} in the ID number is not a valid date",
    },
    "id_birth_future": {
        "zh": "身份证号码中的出生日期 {birth} 晚于 {month}",
        "en": "the birth date {birth} in the ID number is after {month}",
    },
    "id_check_digit": {
        "zh": "身份证号码校验码错误：应为 {expected}，实为 {actual}",
        "en": "wrong check digit: expected {expected}, found {actual}",
    },
    # Input of an assessment
    "json": {
        "zh": "不是有效的 JSON：第 {line} 行第 {column} 列（{detail}）",
        "en": "not valid JSON at line {line} column {column} ({detail})",
    },
    "encoding": {
        "zh": "文件不是 UTF-8 编码（第 {position} 字节处）：请以 UTF-8 保存后重试",
        "en": "the file is not UTF-8 (at byte {position}): save it as UTF-8 and retry",
    },
    "required": {"zh": "必填", "en": "required"},
    "unknown_field": {
        "zh": "未知字段（可用：{known}）",
        "en": "unknown field (allowed: {known})",
    },
    "type_object": {"zh": "应为对象", "en": "must be an object"},
    "type_list": {"zh": "应为列表", "en": "must be a list"},
    "type_bool": {"zh": "应为 true 或 false", "en": "must be true or false"},
    "type_int": {"zh": "应为整数", "en": "must be an integer"},
    "type_string": {"zh": "应为文本", "en": "must be a string"},
    "choice": {
        "zh": "无效取值 {value}（可选：{choices}）",
        "en": "invalid value {value} (allowed: {choices})",
    },
    "range": {
        "zh": "应在 {low} 到 {high} 之间，实为 {value}",
        "en": "must be between {low} and {high}, got {value}",
    },
    "money_format": {
        "zh": '金额格式错误：{value}（应为如 "1500.00" 的文本，最多两位小数）',
        "en": 'invalid amount {value} (expected a string like "1500.00", at most two decimals)',
    },
    "money_range": {
        "zh": "金额 {value} 超出合理范围（不超过 {limit} 元）",
        "en": "amount {value} is out of range (at most {limit} yuan)",
    },
    "money_negative": {"zh": "金额不能为负数：{value}", "en": "amount cannot be negative: {value}"},
    "money_positive": {"zh": "金额应大于 0", "en": "the amount must be more than 0"},
    "month_format": {
        "zh": "月份格式错误：{value}（应为 YYYY-MM）",
        "en": "invalid month {value} (expected YYYY-MM)",
    },
    "date_format": {
        "zh": "日期格式错误：{value}（应为 YYYY-MM-DD）",
        "en": "invalid date {value} (expected YYYY-MM-DD)",
    },
    "members_empty": {"zh": "家庭成员至少一人", "en": "a household has at least one member"},
    "id_duplicate": {
        "zh": "身份证号码与 members[{other}] 重复",
        "en": "same ID number as members[{other}]",
    },
    "head_count": {
        "zh": "应有且仅有一名户主（relation 为 head），实有 {count} 名",
        "en": "exactly one member must be the head (relation head), found {count}",
    },
    "disability_kind_grade": {
        "zh": "残疾等级与类别须同时填写",
        "en": "a disability needs both grade and kind",
    },
}


MESSAGES.update(
    {
        # Registry and casework (the office floor reuses this catalogue so every message has both languages)
        "id_registered": {
            "zh": "身份证号码 {number} 已登记在其他家庭",
            "en": "ID number {number} is already registered",
        },
        "already_ended": {"zh": "该项已于 {until} 终止", "en": "already ended on {until}"},
        "illegal_transition": {
            "zh": "案件当前为“{state}”，不能{action}（仅在{allowed}时可以）",
            "en": "the case is {state}: cannot {action} (only when {allowed})",
        },
        "stale_version": {
            "zh": "案件已被他人更新（版本 {current}，您看到的是版本 {seen}），请刷新后重试",
            "en": "the case was changed by someone else (version {current}, you saw {seen}); reload and retry",
        },
        "not_permitted": {"zh": "您的角色（{role}）不能{action}", "en": "your role ({role}) may not {action}"},
        "investigators": {
            "zh": "入户调查须有至少两名调查人员，实有 {count} 名",
            "en": "a home visit needs at least two investigators, got {count}",
        },
        "family_signature": {
            "zh": "调查记录须经在场家庭成员签字确认",
            "en": "the visit record must be signed by the family members present",
        },
        "county_visit_required": {
            "zh": "申请人为经办人员或村干部近亲属，须由县级民政部门入户调查",
            "en": "the applicant is a close relative of a caseworker or cadre: the county must visit",
        },
        "notice_running": {
            "zh": "公示期至 {ends} 结束，之后方可{action}",
            "en": "the notice runs until {ends}; {action} after that",
        },
        "not_eligible": {
            "zh": "按 {month} 的政策测算不符合条件：{reasons}",
            "en": "not eligible under the rules of {month}: {reasons}",
        },
        "still_eligible": {
            "zh": "按 {month} 的政策测算仍符合条件，不能渐退",
            "en": "still eligible under the rules of {month}: no graduated exit",
        },
        "not_registered_poor": {
            "zh": "渐退期仅适用于已脱贫享受政策的建档立卡贫困户",
            "en": "graduated exit applies only to registered-poor households",
        },
        "authorization_missing": {
            "zh": "以下人员尚未签署授权核对书：{names}",
            "en": "no signed authorisation on record for: {names}",
        },
        "open_case_exists": {
            "zh": "该{who}已有办理中或保障中的{programme}案件 #{case}",
            "en": "there is already an open {programme} case #{case} for this {who}",
        },
        "not_a_member": {"zh": "申请人不是该家庭成员", "en": "the applicant is not a member of this household"},
        "payroll_locked": {
        "zh": "{month} 的发放名册{status}，不能重新编制",
        "en": "the payroll of {month} is {status}: it cannot be recomputed",
    },
    "payroll_not_approved": {"zh": "发放名册尚未审核，不能导出或对账", "en": "the payroll is not approved yet"},
    "bank_row": {"zh": "{detail}", "en": "{detail}"},
    "payroll_not_draft": {"zh": "发放名册{status}，不能再次审核", "en": "the payroll is {status}"},
    "date_future": {"zh": "日期 {on} 晚于今天", "en": "the date {on} is after today"},
    "date_order": {
            "zh": "日期 {on} 早于上一环节日期 {last}",
            "en": "date {on} is before the previous step ({last})",
        },
        "ledger_closed": {"zh": "该问题已销号", "en": "this item is already closed"},
        "feed_file": {"zh": "{detail}", "en": "{detail}"},
        "no_feed_data": {
            "zh": "核对中心尚未导入任何部门数据，无法核对",
            "en": "no department data has been imported yet: nothing to check against",
        },
        "screening_running": {
            "zh": "全人口筛查同一时间只能运行一次：批次 #{id}（{area}，{month}，{by} 于 {at} 发起）{status}，"
            "请待其完成后再发起",
            "en": "only one screening runs at a time: run #{id} ({area}, {month}, started by {by} at {at}) is "
            "{status}; start again once it has finished",
        },
        "screening_running_unknown": {
            "zh": "另一次全人口筛查刚刚开始，请稍后再发起",
            "en": "another screening has just started; try again later",
        },
        "months_range": {
            "zh": "渐退期为 3 至 6 个月，实为 {months}",
            "en": "a graduated exit lasts 3 to 6 months, got {months}",
        },
    }
)


# Input checked at the office's edges (API schemas, forms, services) before anything is written.
MESSAGES.update(
    {
        "too_long": {"zh": "最多 {max} 个字符，实为 {length} 个", "en": "at most {max} characters, got {length}"},
        "date_range": {
            "zh": "日期 {value} 超出范围（应在 {low} 至 {high} 之间）",
            "en": "date {value} is out of range ({low} to {high})",
        },
        "invalid": {"zh": "格式错误：{detail}", "en": "invalid: {detail}"},
        "not_accepted": {"zh": "不接受此字段", "en": "this field is not accepted"},
        "type_number": {"zh": "应为有限的数字", "en": "must be a finite number"},
        "id_duplicate_member": {"zh": "身份证号码与第 {member} 位成员重复", "en": "same ID number as member {member}"},
        "at_least": {"zh": "应不小于 {low}，实为 {value}", "en": "must be at least {low}, got {value}"},
        "at_most": {"zh": "应不大于 {high}，实为 {value}", "en": "must be at most {high}, got {value}"},
        "no_register": {
            "zh": "该月没有户籍登记数据（公安部门），无法筛查：截至 {cutoff} 尚未导入户籍登记（数据项 household_registration），"
            "请先导入后再筛查 {month} 月",
            "en": "no household register (public security) for the month, nothing to screen: none was imported by "
            "{cutoff} (item household_registration); import it before screening {month}",
        },
    }
)


# Temporary assistance (临时救助): the event of an assessment (safetynet/policy/temporary.py).
MESSAGES.update(
    {
        "event_after_month": {
            "zh": "事件发生日期 {occurred_on} 晚于测算月份 {month}",
            "en": "the event on {occurred_on} is after the month decided ({month})",
        },
        "reimbursed_over_spending": {
            "zh": "报销金额 {reimbursed} 元超过刚性支出 {spending} 元",
            "en": "the reimbursed {reimbursed} yuan exceed the spending of {spending} yuan",
        },
        "event_person": {
            "zh": "{value} 不是本户成员的身份证号码",
            "en": "{value} is not the ID number of a member of this household",
        },
    }
)


def render(code: str, lang: str = "zh", /, **params: object) -> str:
    template = MESSAGES[code].get(lang) or MESSAGES[code]["zh"]
    return template.format(**params)


class PolicyError(Exception):
    """A request the law cannot answer: unknown area, a date before the first known value."""

    def __init__(self, code: str, /, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "zh") -> str:
        return render(self.code, lang, **self.params)


class FieldError:
    """One problem in one field of an input; ``path`` like ``members[1].id_number``."""

    __slots__ = ("path", "code", "params")

    def __init__(self, path: str, code: str, /, **params: object) -> None:
        self.path, self.code, self.params = path, code, params

    def message(self, lang: str = "zh") -> str:
        return render(self.code, lang, **self.params)

    def as_dict(self, lang: str = "zh") -> dict:
        return {"loc": self.path, "type": self.code, "msg": self.message(lang)}

    def __repr__(self) -> str:
        return f"FieldError({self.path!r}, {self.code!r}, {self.params!r})"


class InputError(PolicyError):
    """Every problem found in one input, each with its field path."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        Exception.__init__(self, self.message("en"))
        self.code, self.params = "input", {}

    def message(self, lang: str = "zh") -> str:
        return "\n".join(f"{e.path}: {e.message(lang)}" if e.path else e.message(lang) for e in self.errors)
