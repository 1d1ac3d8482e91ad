"""/api/v1/children: the figures of children's allowances and education aid (issue 11 point 8).
The applications and steps are the frame's: ``POST /api/v1/cases/{case_id}/steps/{name}``."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from ninja import Query, Router, Schema

from safetynet.cases import programmes
from safetynet.children import selectors
from safetynet.policy.education_aid import KIND_ZH
from safetynet.policy.errors import FieldError, InputError
from safetynet.policy.money import fmt
from safetynet.web.inputs import Errors

router = Router(tags=["children"])  # staff only: the API's default (safetynet.web.api)


class YearIn(Schema):
    year: int | None = None


@router.get("/figures", response={200: dict, 403: Errors, 422: Errors},
            summary="儿童保障与助学统计：按类别的保障人数和发放金额，按种类的助学人数和金额")
def figures(request, q: Query[YearIn]):
    year = q.year or date.today().year
    if not 2000 <= year <= 2100:
        raise InputError([FieldError("year", "range", low=2000, high=2100, value=year)])
    data = selectors.figures(request.user, year)
    if data is None:
        raise PermissionDenied
    return {
        "year": year,
        "children": [{**r, "label": programmes.label(r["programme"]), "paid": fmt(r["paid_fen"])}
                     for r in data["children"]],
        "aid": [{**r, "label": KIND_ZH[r["kind"]], "paid": fmt(r["paid_fen"])} for r in data["aid"]],
        "aid_refused": data["aid_refused"],
    }  # fmt: skip
