"""The lists' pager and filter fields live in the web layer's leaf, ``safetynet.web.lists``;
these names stay for the callers that import them from here."""

from safetynet.web.lists import (  # noqa: F401
    COUNT_CAP,
    MONTH_RE,
    PER_PAGE,
    CappedPaginator,
    MonthField,
    MonthFilter,
    SearchField,
    filtered,
    paginate,
    place,
    refiltered,
)
