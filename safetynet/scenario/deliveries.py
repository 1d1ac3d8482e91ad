"""The department data the verification centre holds for 汶上县 in November 2020, imported as
deliveries through the office's service (``verification.services.import_delivery``).

- 公安 户籍登记: the residents of the households the office knows in the county (the replay's
  synthetic population is the covered households), and one household no office knows: two
  persons without income, whom the screening should report as missed (漏保);
- 民政 已享受社会救助: who is covered, by what, where (from the cases covering on the day);
- 残联 残疾人证: the disabilities the registry holds (tekun and the single-person route rest on them);
- 公安 死亡: a covered person whose death the family did not report (plan: ``deceased``);
- 公安 机动车: a car the covered household did not declare (plan: ``car``).

The planted households are the plan's (``plan.Move`` of kinds ``deceased``, ``car``, ``missed``).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import polars as pl

from safetynet.cases.models import Case, CaseEvent
from safetynet.policy import idnumber
from safetynet.policy.money import fmt
from safetynet.registry.models import Area, Person
from safetynet.reports.selectors import COVERED_STATES
from safetynet.scenario import plan
from safetynet.scenario.city import SEQUENCE_REPLAY

MISSED_HOUSEHOLD_NO = f"{plan.WENSHANG}M000000001"
DEATH_DATE = date(2020, 10, 20)
CAR_REGISTERED = date(2019, 5, 10)


def _planted(household_of_move: dict[int, str], kind: str) -> str:
    moves = plan.moves()
    return next(household_of_move[i] for i, m in enumerate(moves) if m.kind == kind and m.county == plan.WENSHANG)


def import_wenshang(verifier, delivered: date, household_of_move: dict[int, str], folder: Path) -> dict[str, str]:
    """Write and import the deliveries; returns the planted households ({"household": the missed
    household's register number, "deceased": ..., "car": ...})."""
    from safetynet.verification import services as verification

    folder.mkdir(parents=True, exist_ok=True)
    # Who left the county or died (the terminations with those causes) is in the register as the
    # public security knows it: moved out, or in the deaths it delivers.
    notices = CaseEvent.objects.filter(transition="give_termination_notice")
    ended = dict(notices.filter(case__area_code__startswith=plan.WENSHANG, data__cause__in=("died", "moved_away"))
                 .values_list("case__household_id", "data__cause"))  # fmt: skip
    died = list(Person.objects.filter(household_id__in=[h for h, cause in ended.items() if cause == "died"])
                .values_list("id_number", "household_id"))  # fmt: skip
    noticed = dict(notices.filter(case__household_id__in=[h for _, h in died]).values_list("case__household_id", "on"))
    people = list(
        Person.objects.filter(household__village__code__startswith=plan.WENSHANG, left_on__isnull=True)
        .exclude(household_id__in=[h for h, cause in ended.items() if cause == "moved_away"])
        .values_list("id_number", "name", "household__household_no", "household__village_id", "household__hukou",
                     "relation", "disability_grade", "disability_kind")
    )  # fmt: skip
    village = Area.objects.filter(code__startswith=plan.WENSHANG, level=Area.Level.VILLAGE, name__endswith="村") \
        .order_by("code").values_list("code", flat=True).first()
    missed = [(idnumber.generate(plan.WENSHANG, date(1962, 4, 2), SEQUENCE_REPLAY // 2 + 200 + i, sex), name,
               MISSED_HOUSEHOLD_NO, village, "rural", relation, None, None)
              for i, (name, relation, sex) in enumerate((("韩守田", "head", "male"), ("韩李氏", "spouse", "female")))]
    register = pl.DataFrame(people + missed, orient="row", schema={
        "id_number": pl.String, "name": pl.String, "household_no": pl.String, "area_code": pl.String,
        "hukou": pl.String, "relation": pl.String, "grade": pl.Int64, "disability_kind": pl.String})
    covered = list(
        Case.objects.filter(area_code__startswith=plan.WENSHANG, state__in=COVERED_STATES)
        .values_list("programme", "area_code", "household__household_no", "household_id", "applicant__id_number",
                     "monthly_amount_fen", "approved_on", "assessment")
    )  # fmt: skip
    members: dict[int, list[str]] = {}
    for household_id, id_number in Person.objects.filter(
            household__village__code__startswith=plan.WENSHANG, left_on__isnull=True).values_list("household_id",
                                                                                               "id_number"):
        members.setdefault(household_id, []).append(id_number)
    assistance = []
    for programme, area, no, household_id, applicant, fen, approved, answer in covered:
        singles = (answer or {}).get("dibao", {}).get("single_person_members") or []
        whom = [applicant] if programme == "tekun" else (singles or members.get(household_id, []))
        assistance += [(p, programme, area, no, fmt(fen or 0), approved.isoformat()) for p in whom]
    deceased = _planted(household_of_move, "deceased")
    car = _planted(household_of_move, "car")
    head_of = dict(register.filter(pl.col("relation") == "head").select("household_no", "id_number").iter_rows())
    files = {
        "household_registration": register.select("id_number", "name", "household_no", "area_code", "hukou",
                                                  "relation"),
        "assistance": pl.DataFrame(assistance, orient="row", schema=dict.fromkeys(
            ("id_number", "programme", "area_code", "household_no", "monthly_amount", "since"), pl.String)),
        "disability": register.filter(pl.col("grade").is_not_null()).select(
            "id_number", "disability_kind", pl.col("grade").cast(pl.String),
            pl.lit("2015-06-01").alias("issued_date")),
        "deaths": pl.DataFrame(
            [(head_of[deceased], DEATH_DATE.isoformat())]
            + [(p, (noticed[h] - timedelta(days=3)).isoformat()) for p, h in died],
            orient="row", schema={"id_number": pl.String, "death_date": pl.String}),
        "vehicles": pl.DataFrame({"id_number": [head_of[car]], "plate": ["鲁H·2020A"], "vehicle_type": ["car"],
                                  "registered_date": [CAR_REGISTERED.isoformat()]}),
    }  # fmt: skip
    for item, frame in files.items():
        path = folder / f"{item}-{delivered:%Y%m%d}.parquet"
        frame.write_parquet(path)
        verification.import_delivery(verifier, path, item, delivered)
    return {"household": MISSED_HOUSEHOLD_NO, "deceased": deceased, "car": car}
