"""What the office accepts at its edges lives in the web layer's leaf, ``safetynet.web.inputs``;
these names stay for the callers that import them from here."""

from safetynet.web.inputs import (  # noqa: F401
    MAX_DATE,
    MAX_ID,
    MAX_PAGE,
    MIN_DATE,
    Day,
    ErrorItem,
    Errors,
    Id,
    PageNo,
    day_or_error,
    field_error,
    field_path,
    page_message,
    parse_day,
    text,
)
