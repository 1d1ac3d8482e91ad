"""The funeral waiver's messages, added to the policy floor's catalogue."""

from __future__ import annotations

from safetynet.policy.errors import MESSAGES

MESSAGES.update({
    "funeral_no_home": {
        "zh": "您的账号未关联已登记的殡仪馆（代码 {code}）",
        "en": "your account is not linked to a registered funeral home (code {code})",
    },
    "funeral_home_code": {
        "zh": "殡仪馆代码 {code} 已登记",
        "en": "funeral home code {code} is registered already",
    },
    "funeral_county": {
        "zh": "{code} 不是辖区内的县（市、区）",
        "en": "{code} is not a county of your area",
    },
    "funeral_served_before_death": {
        "zh": "服务日期 {served} 早于死亡日期 {died}",
        "en": "the service date {served} is before the date of death {died}",
    },
    "funeral_no_services": {
        "zh": "请至少填写一项基本服务或骨灰盒的收费",
        "en": "give the price of at least one basic service or the urn",
    },
    "funeral_statement_approved": {
        "zh": "{month} 的结算单已审核，不能重新生成",
        "en": "the statement of {month} is approved: it cannot be prepared again",
    },
    "funeral_statement_empty": {
        "zh": "{home} 在 {month} 没有减免记录，无需结算",
        "en": "{home} has no waivers in {month}: nothing to reimburse",
    },
    "funeral_statement_state": {
        "zh": "结算单已审核",
        "en": "the statement is approved already",
    },
})
