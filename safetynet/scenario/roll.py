"""Taking over the rolls of the old system (接收原系统保障对象): a bulk, audited, transactional
service, as the migration of a city's dibao and tekun rolls into the office would be.

The old system exports its covered households as two tables (``HOUSEHOLD_COLUMNS``,
``MEMBER_COLUMNS``): each household with its programme and the date of its decision there, each
member with the facts the rules read and one monthly income. ``take_over`` checks every row
(nothing is written if one is wrong; the errors name the table, the row and the field), assesses
every household with the policy floor for the month of the take-over (one vectorised plan for the
city: the same rules as a single case), and writes in one transaction, in bulk (COPY on
PostgreSQL, one prepared INSERT over the rows on SQLite):

- the households, their members and incomes, as the registry holds them;
- one case per household (dibao) or per person (tekun), approved, with its history: the old
  system's decision (``approve``, ``close_notice``, dated then, amount not carried over) and the
  amount under the standards in force from the take-over (``reprice``, dated the take-over day),
  so a figure "as of" any day reads the right state;
- the entitlements from those decisions (payments' one definition, ``entitlement_periods``),
  paid from the month of the take-over (the old system paid the months before);
- one audit record per county (``case.take_over``) with its counts and the cases' id range.

Each case's stored assessment is the policy floor's answer for that month without the sentences
(``taken_over``: true); the next review stores the full answer with its sentences.
"""

from __future__ import annotations

import gc
import json
from datetime import date, timedelta
from types import SimpleNamespace

import polars as pl
from django.db import connection, models, transaction
from django.utils import timezone

from safetynet.cases import programmes
from safetynet.cases.models import Case, CaseEvent
from safetynet.payments.models import Entitlement
from safetynet.payments.services import entitlement_periods
from safetynet.policy import idnumber
from safetynet.policy.assessment import assess_frames
from safetynet.policy.errors import MESSAGES, FieldError, InputError
from safetynet.policy.frames import INCOME_COLUMNS, MEMBER_SCHEMA
from safetynet.policy.household import DISABILITY_KINDS, HUKOU, INCOME_KINDS, RELATIONS
from safetynet.policy.money import fmt_expr
from safetynet.policy.months import add_months
from safetynet.policy.parameters import value
from safetynet.registry.models import Area, Household, Income, Person
from safetynet.registry.selectors import acting_user, require_role
from safetynet.supervision.services import record

HOUSEHOLD_COLUMNS = {
    "household_no": pl.String, "village": pl.String, "hukou": pl.String, "address": pl.String,
    "registered_poor": pl.Boolean, "programme": pl.String, "approved_on": pl.Date,
}  # fmt: skip
MEMBER_COLUMNS = {
    "household_no": pl.String, "id_number": pl.String, "name": pl.String, "relation": pl.String,
    "birth_date": pl.Date, "sex": pl.String, "phone": pl.String, "bank_card": pl.String,
    "disability_grade": pl.Int64, "disability_kind": pl.String, "serious_illness": pl.Boolean,
    "adl_unmet": pl.Int64, "able_obligor": pl.Boolean, "income_kind": pl.String, "income_fen": pl.Int64,
}  # fmt: skip
PROGRAMMES = ("dibao", "tekun")  # monthly programmes whose rolls an old system holds
BATCH = 2000
ERRORS_SHOWN = 50
ACTION = "接收原系统保障对象"

MESSAGES.update({
    "roll_columns": {"zh": "缺少列：{columns}", "en": "missing columns: {columns}"},
    "roll_duplicate": {"zh": "{value} 在表中重复出现", "en": "{value} appears more than once"},
    "roll_registered": {"zh": "{value} 已在系统中登记", "en": "{value} is already registered"},
    "roll_no_household": {"zh": "户号 {value} 不在家庭表中", "en": "household number {value} is not in the households"},
    "roll_head": {
        "zh": "每户须有且只有一名户主，本户有 {count} 名", "en": "a household needs exactly one head, got {count}",
    },
    "roll_empty": {"zh": "家庭表为空", "en": "no households"},
    "roll_not_eligible": {
        "zh": "按 {month} 的政策测算不符合{programme}条件，不能按保障对象接收（请先复核）",
        "en": "not eligible for {programme} under the rules of {month}: not taken over (review it first)",
    },
    "roll_more_errors": {"zh": "另有 {count} 处错误未列出", "en": "{count} more errors not listed"},
    "roll_id": {"zh": "身份证号码 {value} 无效：{detail}", "en": "ID number {value} is not valid: {detail}"},
    "roll_decided": {
        "zh": "原系统决定日期 {value} 须早于接收日 {on}", "en": "the old decision's date {value} must be before {on}",
    },
})


def _rows(frame: pl.DataFrame, table: str, bad: pl.Expr, field: str, code: str, **params: pl.Expr) -> list[FieldError]:
    """A FieldError for each row where ``bad`` holds, its path ``table[row].field``."""
    names = list(params)
    found = frame.with_row_index("_row").filter(bad).select("_row", *(params[k].alias(k) for k in names))
    return [FieldError(f"{table}[{r[0]}].{field}", code, **dict(zip(names, r[1:], strict=True)))
            for r in found.head(ERRORS_SHOWN).iter_rows()]  # fmt: skip


def _existing(model, field: str, values: list[str]) -> set[str]:
    """Which of ``values`` the table already holds (in chunks, on the column's index)."""
    table, column = model._meta.db_table, connection.ops.quote_name(model._meta.get_field(field).column)
    found: set[str] = set()
    with connection.cursor() as cursor:
        for i in range(0, len(values), 500):
            chunk = values[i : i + 500]
            cursor.execute(f"SELECT {column} FROM {table} WHERE {column} IN ({', '.join(['%s'] * len(chunk))})", chunk)
            found.update(v for (v,) in cursor.fetchall())
    return found


def _check(households: pl.DataFrame, members: pl.DataFrame, on: date) -> list[FieldError]:
    """Every problem of the two tables (the first ``ERRORS_SHOWN`` of each kind)."""
    errors = []
    for table, frame, columns in (("households", households, HOUSEHOLD_COLUMNS), ("members", members, MEMBER_COLUMNS)):
        if missing := [c for c in columns if c not in frame.columns]:
            errors.append(FieldError(table, "roll_columns", columns=", ".join(missing)))
    if errors:
        return errors
    if households.is_empty():
        return [FieldError("households", "roll_empty")]
    villages = set(Area.objects.filter(level=Area.Level.VILLAGE).values_list("code", flat=True))
    col = pl.col
    errors += _rows(households, "households", col("household_no").is_duplicated(), "household_no", "roll_duplicate",
                    value=col("household_no"))
    errors += _rows(households, "households", ~col("village").is_in(sorted(villages)), "village", "choice",
                    value=col("village"), choices=pl.lit("村居区划代码"))
    errors += _rows(households, "households", ~col("hukou").is_in(HUKOU), "hukou", "choice", value=col("hukou"),
                    choices=pl.lit(", ".join(HUKOU)))
    errors += _rows(households, "households", ~col("programme").is_in(PROGRAMMES), "programme", "choice",
                    value=col("programme"), choices=pl.lit(", ".join(PROGRAMMES)))
    errors += _rows(households, "households", col("approved_on").is_null() | (col("approved_on") >= on), "approved_on",
                    "roll_decided", value=col("approved_on").cast(pl.String), on=pl.lit(on.isoformat()))
    errors += _rows(members, "members", idnumber.problem(col("id_number")).is_not_null(), "id_number",
                    "roll_id", value=col("id_number"), detail=idnumber.problem(col("id_number")))
    errors += _rows(members, "members", col("id_number").is_duplicated(), "id_number", "roll_duplicate",
                    value=col("id_number"))
    errors += _rows(members, "members", ~col("household_no").is_in(households["household_no"].implode()),
                    "household_no", "roll_no_household", value=col("household_no"))
    errors += _rows(members, "members", ~col("relation").is_in(RELATIONS), "relation", "choice",
                    value=col("relation"), choices=pl.lit(", ".join(RELATIONS)))
    errors += _rows(members, "members", ~col("sex").is_in(("male", "female")), "sex", "choice", value=col("sex"),
                    choices=pl.lit("male, female"))
    errors += _rows(members, "members", col("income_kind").is_not_null() & ~col("income_kind").is_in(INCOME_KINDS),
                    "income_kind", "choice", value=col("income_kind"), choices=pl.lit(", ".join(INCOME_KINDS)))
    errors += _rows(members, "members", col("income_fen") < 0, "income_fen", "range", low=pl.lit("0"),
                    high=pl.lit("—"), value=col("income_fen").cast(pl.String))
    errors += _rows(members, "members", col("disability_grade").is_not_null() & (
        ~col("disability_grade").is_between(1, 4) | ~col("disability_kind").is_in(DISABILITY_KINDS)),
        "disability_grade", "disability_kind_grade")  # fmt: skip
    heads = households.select("household_no").with_row_index("_row").join(
        members.filter(col("relation") == "head").group_by("household_no").len(), on="household_no", how="left")
    errors += [FieldError(f"households[{r}].household_no", "roll_head", count=n or 0)
               for r, _no, n in heads.filter(col("len").is_null() | (col("len") != 1)).head(ERRORS_SHOWN).iter_rows()]
    if not errors:
        for table, frame, model, field, name in (
            ("members", members, Person, "id_number", "id_number"),
            ("households", households, Household, "household_no", "household_no"),
        ):
            taken = _existing(model, field, frame[name].to_list())
            errors += _rows(frame, table, col(name).is_in(sorted(taken)), name, "roll_registered", value=col(name))
    return errors


def _assess(households: pl.DataFrame, members: pl.DataFrame, month: date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The policy floor's answer for every household and member in ``month``, in one plan."""
    hh = households.with_row_index("household_id").with_columns(pl.col("household_id").cast(pl.Int64))
    index = hh.select("household_no", "household_id")
    m = members.join(index, on="household_no", maintain_order="left").sort("household_id", maintain_order=True)
    m = m.with_columns(pl.int_range(pl.len()).over("household_id").cast(pl.Int32).alias("member_no"))
    income = {c: pl.when(pl.col("income_kind") == c[len("income_"):-len("_fen")]).then(pl.col("income_fen"))
              .otherwise(0) for c in INCOME_COLUMNS}  # fmt: skip
    zero = {"financial_assets_fen": 0, "vehicles_ordinary": 0, "vehicles_disability": 0, "vehicles_farm": 0,
            "dwellings": 0, "businesses": 0, "student": False, "supported_as_minor": False, "orphan_support": False}
    member_frame = m.select(
        "household_id", "member_no", "id_number", "birth_date", "relation", *(e.alias(c) for c, e in income.items()),
        *(pl.lit(v).alias(c) for c, v in zero.items()), "disability_grade", "disability_kind", "serious_illness",
        "adl_unmet", "able_obligor",
    ).cast(MEMBER_SCHEMA).select(list(MEMBER_SCHEMA)).with_columns(pl.col("household_id").set_sorted())
    household_frame = hh.select("household_id", pl.col("village").str.slice(0, 6).alias("area"), "hukou",
                                pl.lit(month).alias("month")).with_columns(pl.col("household_id").set_sorted())
    return assess_frames(household_frame, member_frame, reasons=False)


def _answers(households: pl.DataFrame, members: pl.DataFrame, month: date) -> pl.DataFrame:
    """Per household, in the roll's order: the policy floor's answer as stored on a case (the
    shape of ``policy.assessment.result_json``, without its sentences, marked ``taken_over``), and
    the case's part of it: eligible, the amount in fen, the members and those covered alone."""
    hh, m = _assess(households, members, month)
    nothing = pl.lit([], dtype=pl.List(pl.String))
    single = pl.col("dibao_single_person")
    per_household = m.group_by("household_id", maintain_order=True).agg(
        pl.struct(pl.col("id_number"), eligible=pl.col("tekun_eligible"),
                  monthly_amount=fmt_expr(pl.col("tekun_amount_fen")), basic=fmt_expr(pl.col("basic_fen")),
                  care=fmt_expr(pl.col("care_fen")), care_level=pl.col("care_level").cast(pl.String),
                  reasons=nothing).alias("tekun_members"),
        pl.col("id_number").filter(single).alias("singles"),
        pl.struct(pl.col("id_number"), monthly_amount=fmt_expr(pl.col("dibao_single_amount_fen"))).filter(single)
        .alias("single_amounts"),
    )  # fmt: skip
    dibao = pl.struct(
        eligible=pl.col("dibao_eligible"), monthly_amount=fmt_expr(pl.col("dibao_amount_fen")),
        family_amount=fmt_expr(pl.col("family_amount_fen")), standard=fmt_expr(pl.col("dibao_standard_fen")),
        members=pl.col("members"), household_income=fmt_expr(pl.col("income_fen")), edge_family=pl.col("edge_family"),
        single_person_members=pl.col("singles"), single_person_amounts=pl.col("single_amounts"), reasons=nothing,
    )  # fmt: skip
    answer = pl.struct(area=pl.col("area"), month=pl.col("month").dt.strftime("%Y-%m"), hukou=pl.col("hukou"),
                       taken_over=pl.lit(True), dibao=dibao, tekun=pl.struct(members=pl.col("tekun_members")))
    heads = members.filter(pl.col("relation") == "head").select("household_no", head=pl.col("id_number"))
    head_answer = m.select(head=pl.col("id_number"), tekun_eligible="tekun_eligible", tekun_fen="tekun_amount_fen")
    return (
        hh.join(per_household, on="household_id", maintain_order="left")
        .select("household_id", answer.struct.json_encode().alias("answer"), "dibao_eligible",
                pl.col("dibao_amount_fen").alias("dibao_fen"), "members", pl.col("singles").list.len().alias("singles"))
        .sort("household_id")
        .hstack(households.select("household_no", "programme"))
        .join(heads, on="household_no", maintain_order="left")
        .join(head_answer, on="head", maintain_order="left")
        .with_columns(
            pl.when(pl.col("programme") == "dibao").then(pl.col("dibao_eligible")).otherwise(pl.col("tekun_eligible"))
            .alias("eligible"),
            pl.when(pl.col("programme") == "dibao").then(pl.col("dibao_fen")).otherwise(pl.col("tekun_fen"))
            .alias("fen"),
        )
    )  # fmt: skip


def _part(programme: str, head: str, eligible: bool, members: int, singles: int) -> SimpleNamespace:
    """What a case's declaration reads of its answer to count the persons it covers
    (``Declaration.persons_covered``): the programme's part, with the fields it reads."""
    if programme == "dibao":
        part = {"dibao": {"eligible": eligible, "members": members, "single_person_amounts": [{}] * singles}}
    else:
        part = {"tekun": {"members": [{"id_number": head, "eligible": eligible}]}}
    return SimpleNamespace(programme=programme, assessment=part, applicant=SimpleNamespace(id_number=head))


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False)


def _insert(model, names: tuple[str, ...], rows: list[tuple], *, key: str | None = None, where: str = "") -> dict:
    """Write ``rows`` (values of the fields ``names``; every other field its default) in one go:
    COPY on PostgreSQL, one prepared INSERT over all rows on SQLite. With ``key``, returns
    {key value: id} of the rows written (read back by id, above the table's highest before)."""
    fields = {f.name: f for f in model._meta.concrete_fields if not f.primary_key}
    rest = [f for name, f in fields.items() if name not in names]
    defaults = tuple(_default(f) for f in rest)
    columns = [fields[n].column for n in names] + [f.column for f in rest]
    table, quote = model._meta.db_table, connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        (before,) = cursor.fetchone()
        column_list = ", ".join(quote(c) for c in columns)
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row + defaults)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({column_list}) VALUES ({placeholders})",
                               [row + defaults for row in rows])
        if key is None:
            return {}
        cursor.execute(f"SELECT {quote(fields[key].column)}, id FROM {table} WHERE id > %s"
                       + (f" AND {where}" if where else ""), [before])  # fmt: skip
        return dict(cursor.fetchall())


def _default(field):
    """A field's value when the take-over does not give it, as the database takes it."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return field.get_db_prep_save(timezone.now(), connection)
    default = field.get_default()
    if isinstance(field, models.JSONField):
        return _json(default)
    return field.get_db_prep_save(default, connection) if default is not None else None


def _next_review(approved_on: date, on: date) -> date:
    """The old system's yearly review: the month of the decision, in the year after ``on``'s month."""
    month = approved_on.replace(day=1)
    while month <= on:
        month = add_months(month, 12)
    return month


@transaction.atomic
def take_over(actor, households: pl.DataFrame, members: pl.DataFrame, *, on: date, source: str,
              progress=None) -> dict:
    """Take the roll over on ``on`` (the first day this office pays); returns counts per county.
    Raises InputError naming every wrong row, before anything is written."""
    require_role(actor, ("city",), "3708", ACTION)
    step = progress or (lambda label: None)
    if not source.strip():
        raise InputError([FieldError("source", "required")])
    if errors := _check(households, members, on):
        more = len(errors) - ERRORS_SHOWN
        raise InputError(errors[:ERRORS_SHOWN] + ([FieldError("", "roll_more_errors", count=more)] if more > 0 else []))
    # A city's roll is a million small objects at once: the cycle collector's passes over them
    # would cost more than the work (nothing here makes cycles).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _take_over(actor, households, members, on=on, source=source, step=step)
    finally:
        if collecting:
            gc.enable()


def _take_over(actor, households: pl.DataFrame, members: pl.DataFrame, *, on: date, source: str, step) -> dict:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Each row's foreign keys checked as it is copied, not queued (a million deferred
            # checks) for the end of the transaction.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    try:
        return _load(actor, households, members, on=on, source=source, step=step)
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _load(actor, households: pl.DataFrame, members: pl.DataFrame, *, on: date, source: str, step) -> dict:
    month = on.replace(day=1)
    step("测算")
    answers = _answers(households, members, month)
    refused = answers.with_row_index("_row").filter(~pl.col("eligible"))
    if refused.height:
        raise InputError([FieldError(f"households[{r}].household_no", "roll_not_eligible", month=f"{month:%Y-%m}",
                                     programme=programmes.get(p).short)
                          for r, p in refused.select("_row", "programme").head(ERRORS_SHOWN).iter_rows()])
    step("写入家庭与成员")
    user = acting_user(actor)
    hh = households.with_columns(pl.col("approved_on").dt.strftime("%Y-%m-01").alias("since"))
    household_id = _insert(Household, ("village", "hukou", "address", "registered_poor", "household_no"),
                           list(hh.select("village", "hukou", "address", "registered_poor", "household_no")
                                .iter_rows()), key="household_no")  # fmt: skip
    person_columns = ("id_number", "name", "relation", "birth_date", "sex", "phone", "bank_card", "disability_grade",
                      "disability_kind", "serious_illness", "adl_unmet", "able_obligor")
    people = members.join(hh.select("household_no", "since"), on="household_no", maintain_order="left").with_columns(
        pl.col("household_no").replace_strict(household_id, return_dtype=pl.Int64).alias("household"),
        pl.col("birth_date").dt.strftime("%Y-%m-%d"), pl.col("phone", "bank_card", "disability_kind").fill_null(""))
    person_id = _insert(Person, ("household", *person_columns),
                        list(people.select("household", *person_columns).iter_rows()), key="id_number")
    incomes = people.filter(pl.col("income_kind").is_not_null()).select(
        pl.col("id_number").replace_strict(person_id, return_dtype=pl.Int64), "income_kind", "income_fen", "since",
        pl.lit(source))
    _insert(Income, ("person", "kind", "monthly_fen", "since", "source"), list(incomes.iter_rows()))
    step("写入案件与决定")
    notice_days = {c: value("public_notice_days", c, on) for c in households["village"].str.slice(0, 6).unique()}
    declared = {code: programmes.get(code) for code in PROGRAMMES}
    cases = []
    columns = zip(*(answers[c].to_list() for c in ("household_no", "programme", "head", "eligible", "fen", "members",
                                                   "singles", "answer")),
                  households["village"].to_list(), households["approved_on"].to_list(), strict=True)  # fmt: skip
    for no, programme, head, eligible, fen, size, singles, answer, village, decided in columns:
        closed = decided + timedelta(days=notice_days[village[:6]])
        covers = declared[programme].persons_covered(_part(programme, head, eligible, size, singles))  # one definition
        cases.append(SimpleNamespace(
            programme=programme, household_id=household_id[no], applicant_id=person_id[head], area_code=village,
            decided_on=decided, approved_on=closed, monthly_amount_fen=fen, assessment=answer, persons_covered=covers,
            entitlement_from=month, entitlement_until=None,
        ))  # fmt: skip
    case_columns = ("programme", "household", "applicant", "area_code", "state", "version", "opened_on", "accepted_on",
                    "decided_on", "decision_month", "monthly_amount_fen", "assessment", "persons_covered",
                    "notice_starts_on", "notice_ends_on", "approved_on", "entitlement_from", "next_review_on")
    first = month.isoformat()
    ids = _insert(Case, case_columns, [
        (c.programme, c.household_id, c.applicant_id, c.area_code, "approved", 4,
         (c.decided_on - timedelta(days=12)).isoformat(), (c.decided_on - timedelta(days=10)).isoformat(),
         c.decided_on.isoformat(), first, c.monthly_amount_fen, c.assessment, c.persons_covered,
         c.decided_on.isoformat(), c.approved_on.isoformat(), c.approved_on.isoformat(), first,
         _next_review(c.decided_on, on).isoformat())
        for c in cases
    ], key="applicant")  # fmt: skip
    # The timeline of each case: the old system's decision and notice (its amount not carried
    # over), and this office's amount from the take-over's month under the standards then in force.
    taken = _json({"source": source, "on": on.isoformat()})
    approve = f'{{"monthly_amount_fen": null, "taken_over": {taken}}}'
    close = f'{{"taken_over": {taken}}}'
    note = f"接收原系统保障对象，自 {month:%Y-%m} 起按新标准核定"
    user_id = user.pk if user else None
    rows = []
    for c in cases:
        c.pk = ids[c.applicant_id]
        fen, covers = c.monthly_amount_fen, c.persons_covered
        reprice = f'{{"old_amount_fen": null, "new_amount_fen": {fen}, "effective": "{first}", "taken_over": {taken}}}'
        rows += [
            (c.pk, c.decided_on.isoformat(), None, "approve", "investigated", "notice", "原系统审核确认（金额未迁移）",
             approve, covers, None),
            (c.pk, c.approved_on.isoformat(), None, "close_notice", "notice", "approved", "原系统公示期满确认", close,
             covers, None),
            (c.pk, on.isoformat(), user_id, "reprice", "approved", "approved", note, reprice, covers, fen),
        ]  # fmt: skip
    reprice_id = _insert(CaseEvent, ("case", "on", "actor", "transition", "from_state", "to_state", "note", "data",
                                     "persons_covered", "monthly_amount_fen"), rows, key="case",
                         where="transition = 'reprice'")  # fmt: skip
    step("写入应发")
    entitlements = []
    for c in cases:
        # What payments reads of the timeline just written, for its one definition of the periods.
        steps = [SimpleNamespace(at=0, id=1, transition="approve", on=c.decided_on, data={"monthly_amount_fen": None}),
                 SimpleNamespace(at=0, id=2, transition="close_notice", on=c.approved_on, data={}),
                 SimpleNamespace(at=0, id=3, transition="reprice", on=on,
                                 data={"new_amount_fen": c.monthly_amount_fen, "effective": first})]  # fmt: skip
        c.events = SimpleNamespace(all=steps.copy)
        for starts, ends, fen, _event, reason in entitlement_periods(c):
            entitlements.append((c.pk, c.programme, c.applicant_id, c.area_code, starts.isoformat(),
                                 ends.isoformat() if ends else None, fen, reprice_id[c.pk], reason))
    _insert(Entitlement, ("case", "programme", "recipient", "area_code", "starts", "ends", "monthly_amount_fen",
                          "set_by", "reason"), entitlements)
    counts: dict[str, dict] = {}
    for case in cases:
        c = counts.setdefault(case.area_code[:6], {"households": 0, "cases": 0, "persons_covered": 0,
                                                   "monthly_fen": 0, "first_case": case.pk, "last_case": case.pk})
        c["households"] += 1  # one case a household in a roll (its head is the applicant)
        c["cases"] += 1
        c["persons_covered"] += case.persons_covered or 0
        c["monthly_fen"] += case.monthly_amount_fen
        c["first_case"], c["last_case"] = min(c["first_case"], case.pk), max(c["last_case"], case.pk)
    step("审计")
    for county, c in sorted(counts.items()):
        record(actor, "case.take_over", object_type="roll", object_id=f"{county}:{on.isoformat()}", area_code=county,
               details={"on": on.isoformat(), "source": source, **c})
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh statistics for the planner after a bulk load
            cursor.execute("ANALYZE registry_household, registry_person, registry_income, cases_case, cases_caseevent, "
                           "payments_entitlement")
    return counts
