"""The charity's refusals, added to the catalogue (``safetynet.policy.errors``) so the pages and the
API say them in Chinese or English. The audit codes' words are in ``supervision/labels.py``."""

from __future__ import annotations

from safetynet.policy.errors import MESSAGES

MESSAGES.update({
    "charity_restricted": {
        "zh": "捐赠票据 {receipt} 是定向捐赠，限定用于“{restricted}”，不能用于“{purpose}”",
        "en": "the gift of receipt {receipt} is restricted to '{restricted_en}': it cannot be spent on '{purpose_en}'",
    },
    "charity_insufficient": {
        "zh": "捐赠票据 {receipt} 余额 {balance} 元，不足以支出 {amount} 元",
        "en": "the gift of receipt {receipt} has {balance} yuan left, not enough for {amount} yuan",
    },
    "charity_receipt_unknown": {
        "zh": "本组织没有编号为 {receipt} 的捐赠票据",
        "en": "this organisation has no receipt numbered {receipt}",
    },
    "charity_already_reversed": {
        "zh": "账目 #{entry} 已于 {on} 冲正，不能再次冲正",
        "en": "entry #{entry} was already reversed on {on}",
    },
    "charity_reverse_spent": {
        "zh": "捐赠票据 {receipt} 已支出 {spent} 元，须先冲正这些支出，才能冲正这笔捐赠",
        "en": "{spent} yuan of the gift of receipt {receipt} is spent: reverse those first",
    },
    "charity_reverse_reversal": {
        "zh": "冲正账目不能再冲正：请重新登记正确的账目",
        "en": "a reversal cannot be reversed: enter the right entry again",
    },
    "charity_one_target": {
        "zh": "支出对象只能是一个：项目、家庭或慈善超市，择一填写",
        "en": "spend to one of a project, a household or a supermarket",
    },
    "charity_amount_positive": {"zh": "金额应大于 0", "en": "the amount must be more than 0"},
    "charity_not_on_rolls": {
        # the same words as an unknown number: a social organisation learns no more than "not on the rolls"
        "zh": "身份证号 {id_number} 不在低保、特困、临时救助对象名单中",
        "en": "ID number {id_number} is not on the rolls of dibao, tekun or temporary help",
    },
    "charity_person_unknown": {
        "zh": "身份证号 {id_number} 不在低保、特困、临时救助对象名单中",
        "en": "ID number {id_number} is not on the rolls of dibao, tekun or temporary help",
    },
    "charity_id_number": {"zh": "身份证号码有误：{detail}", "en": "wrong ID number: {detail}"},
    "charity_edge_document": {
        "zh": "低保边缘家庭须填写县级民政部门的认定文号",
        "en": "an edge family needs the county bureau's document number",
    },
    "charity_not_enrolled": {
        "zh": "身份证号 {id_number} 所在家庭未在{supermarket}登记，不能领取",
        "en": "the household of ID number {id_number} is not enrolled at {supermarket}",
    },
    "charity_points_exceeded": {
        "zh": "{month} 该家庭每月积分额度 {allowance} 分，已用 {used} 分，本次 {points} 分将超出额度",
        "en": "{month}: the household's allowance is {allowance} points, {used} used: {points} more exceeds it",
    },
    "charity_stock_short": {
        "zh": "{item} 库存 {stock}，不足以发放 {quantity}",
        "en": "{item}: {stock} in stock, not enough to give {quantity}",
    },
    "charity_period": {
        "zh": "结束日期 {ends} 早于开始日期 {starts}",
        "en": "the end {ends} is before the start {starts}",
    },
    "charity_outside_period": {
        "zh": "日期 {on} 不在项目期间（{starts} 至 {ends}）内",
        "en": "{on} is outside the project's period ({starts} to {ends})",
    },
    "charity_code_taken": {
        "zh": "统一社会信用代码 {code} 已登记为“{name}”",
        "en": "the code {code} is already registered as '{name}'",
    },
    "charity_whom": {
        "zh": "请填写受助人身份证号，或填写未具名受助人次",
        "en": "give the recipient's ID number or the count of unnamed recipients",
    },
    "charity_score_range": {"zh": "评分应在 0–100 之间，实为 {value}", "en": "a score is 0-100, got {value}"},
    "charity_round_closed": {
        "zh": "{round} 已于 {closes} 截止申报",
        "en": "{round} closed for applications on {closes}",
    },
    "charity_round_budget": {
        "zh": "{round} 资助总额 {budget} 元，已资助 {funded} 元，本次 {amount} 元将超出",
        "en": "{round}: budget {budget} yuan, {funded} funded: {amount} more exceeds it",
    },
    "charity_decided": {"zh": "该申报已有资助决定", "en": "this application is already decided"},
    "charity_area": {"zh": "区划代码 {code} 不存在", "en": "no area with the code {code}"},
    "charity_hours": {"zh": "时长应为不小于 0 的小时数（至多 1 位小数），实为 {value}",
                      "en": "hours are a number of at least 0 with at most one decimal, got {value}"},
    "charity_duplicate": {"zh": "本轮已申报过“{value}”", "en": "'{value}' was already entered in this round"},
    "charity_month": {"zh": "月份应为 YYYY-MM，实为 {value}", "en": "a month is YYYY-MM, got {value}"},
})  # fmt: skip
