"""What the office accepts at its edges, in one place: bounded types for the API's schemas,
pydantic's refusals said in the house's words (Chinese, with the field path), and an input
error told on a page by the field's label, never its key.

A leaf module: it imports no app, so every router, form and view can use it.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from ninja import Schema
from pydantic import AfterValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

from safetynet.policy.errors import FieldError, InputError, PolicyError

# Dates a person can mean in this office: births, acts, deliveries. Outside them a date is a typo
# (0001-01-01, 9999-12-31), and date arithmetic near the ends of Python's calendar overflows.
MIN_DATE, MAX_DATE = date(1900, 1, 1), date(2100, 12, 31)
# Row ids: the database's integers; a larger number cannot name a row.
MAX_ID = 2**31 - 1
MAX_PAGE = 1_000_000


def _in_range(day: date) -> date:
    if not MIN_DATE <= day <= MAX_DATE:
        raise PydanticCustomError("date_range", "date out of range", {"value": day.isoformat()})
    return day


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
PageNo = Annotated[int, Field(ge=1, le=MAX_PAGE)]
Day = Annotated[date, AfterValidator(_in_range)]


def text(max_length: int, *, required: bool = True) -> Any:
    """A string stripped of surrounding spaces, at most ``max_length`` characters (the column's
    size), and not empty when ``required``."""
    return Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1 if required else 0, max_length=max_length)
    ]


def day_or_error(value: date, path: str) -> FieldError | None:
    """The same bounds for a date a service or a page receives."""
    if MIN_DATE <= value <= MAX_DATE:
        return None
    return FieldError(path, "date_range", value=value.isoformat(), low=MIN_DATE.isoformat(), high=MAX_DATE.isoformat())


def parse_day(value: str | None) -> date | None:
    """A query parameter as a date within the bounds, or None (the page then uses its default)."""
    try:
        day = date.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return day if MIN_DATE <= day <= MAX_DATE else None


class ErrorItem(Schema):
    loc: str
    type: str
    msg: str


class Errors(Schema):
    detail: list[ErrorItem]


# ---- pydantic's refusals in the house's words ---------------------------------------------------


def field_path(loc: tuple | list) -> str:
    """``("body", "payload", "members", 0, "name")`` -> ``members[0].name``; the request part and
    the body's parameter name are left out."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "form", "file", "header", "cookie"):
        where = parts.pop(0)
        if where == "body" and len(parts) > 1:
            parts.pop(0)  # the handler's parameter (``payload``), not a field the caller sent
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _shown(value: Any) -> str:
    s = str(value)
    return s if len(s) <= 40 else s[:40] + "…"


def field_error(error: dict) -> FieldError:
    """One pydantic error as the house's FieldError (its code in the catalogue of messages)."""
    path, kind = field_path(error.get("loc", ())), error.get("type", "")
    ctx, value = error.get("ctx") or {}, error.get("input")
    if kind == "missing":
        return FieldError(path, "required")
    if kind == "string_too_short":
        return FieldError(path, "required")
    if kind == "string_too_long":
        return FieldError(path, "too_long", max=ctx.get("max_length"), length=len(value or ""))
    if kind in ("literal_error", "enum"):
        return FieldError(path, "choice", value=_shown(value), choices=ctx.get("expected", ""))
    if kind in ("greater_than_equal", "greater_than"):
        return FieldError(path, "at_least", low=ctx.get("ge", ctx.get("gt")), value=_shown(value))
    if kind in ("less_than_equal", "less_than"):
        return FieldError(path, "at_most", high=ctx.get("le", ctx.get("lt")), value=_shown(value))
    if kind in ("too_short", "too_long"):  # a list's length
        return FieldError(path, "range", low=ctx.get("min_length", 0), high=ctx.get("max_length", "…"),
                          value=ctx.get("actual_length", ""))  # fmt: skip
    if kind.startswith("int_"):
        return FieldError(path, "type_int")
    if kind.startswith("bool_"):
        return FieldError(path, "type_bool")
    if kind.startswith("string_"):
        return FieldError(path, "type_string")
    if kind.startswith("date"):
        if kind == "date_range":
            return FieldError(path, "date_range", value=ctx.get("value", ""), low=MIN_DATE.isoformat(),
                              high=MAX_DATE.isoformat())  # fmt: skip
        return FieldError(path, "date_format", value=_shown(value))
    if kind.startswith(("decimal", "float", "finite_number")):
        return FieldError(path, "type_number")
    if kind == "list_type":
        return FieldError(path, "type_list")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return FieldError(path, "type_object")
    if kind == "extra_forbidden":
        return FieldError(path, "not_accepted")
    if kind == "json_invalid":
        return FieldError(path, "invalid", detail=_shown(ctx.get("error", "JSON")))
    return FieldError(path, "invalid", detail=_shown(error.get("msg", kind)))


# ---- an input error on a page --------------------------------------------------------------------


def page_message(exc: PolicyError, lang: str, labels: dict[str, tuple[str, str]]) -> str:
    """The error as a page's message: each field named by its label (``labels[path] = (zh, en)``,
    looked up by the whole path, then by its last part); a field without a label is not named."""
    if not isinstance(exc, InputError):
        return exc.message(lang)
    parts = []
    for e in exc.errors:
        label = labels.get(e.path) or labels.get(e.path.rsplit(".", 1)[-1])
        name = (label[1] if lang == "en" else label[0]) if label else ""
        parts.append(f"{name}{': ' if lang == 'en' else '：'}{e.message(lang)}" if name else e.message(lang))
    return ("; " if lang == "en" else "；").join(parts)


def put_back(form, exc: Exception, lang: str, labels: dict[str, tuple[str, str]] | None = None) -> None:
    """A service's refusal on a form: each error beside the field its path names (``amount``,
    ``investigators[1]``), the rest above the form, named by their labels."""
    if not isinstance(exc, InputError):
        form.add_error(None, exc.message(lang) if isinstance(exc, PolicyError) else str(exc))
        return
    rest = []
    for e in exc.errors:
        name = e.path.split(".")[0].split("[")[0]
        if name in form.fields:
            form.add_error(name, e.message(lang))
        else:
            rest.append(e)
    if rest:
        form.add_error(None, page_message(InputError(rest), lang, labels or {}))
