"""The figures' messages, added to the catalogue (``safetynet.policy.errors``) so the page and the
API say them in Chinese or English."""

from __future__ import annotations

from safetynet.policy.errors import MESSAGES

MESSAGES.update({
    "report_period_order": {
        "zh": "统计期间的终止月份 {end} 早于起始月份 {start}",
        "en": "the period ends ({end}) before it starts ({start})",
    },
    "report_period_long": {
        "zh": "统计期间最长 {most} 个月",
        "en": "a period is at most {most} months",
    },
    "report_area": {
        "zh": "区划 {value} 不在您的辖区内，或不是县级区划、乡镇（街道）代码",
        "en": "area {value} is not a county or township of your area",
    },
    "report_start_after_as_of": {
        "zh": "统计期间的起始月份 {start} 晚于统计日期 {as_of}",
        "en": "the period starts ({start}) after the day of the figures ({as_of})",
    },
})  # fmt: skip
