"""The care level an assessment gives: the policy floor's one definition (``policy.tekun``, the
``assessed_care_level`` column computed from ``adl_unmet``; 特困-2021 Arts. 20-23), evaluated here on the
assessment's count, never written a second time."""

from __future__ import annotations

from functools import cache

import polars as pl

from safetynet.policy import tekun


@cache
def _expression() -> pl.Expr:
    return next(e for layer in tekun.member_columns() for e in layer if e.meta.output_name() == "assessed_care_level")


def care_level(unmet: int) -> str:
    """``self_care`` | ``partial`` | ``complete`` for ``unmet`` daily activities not achieved."""
    return pl.DataFrame({"adl_unmet": [int(unmet)]}).select(_expression()).item()
