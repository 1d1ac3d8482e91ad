"""Jining 2020 replayed (issue 13, part 4): the rolls taken over on 2020-07-01 and July to
December through the services; as of 2020-12-31 the figures (``reports.figures``, the
dashboards' selectors) show the seed's counts, each within 1 %, for 汶上县 and the city, with
the registered-poor share both ways and a member covered alone counted as one.

The scenario is built once for the module (about a minute on SQLite or PostgreSQL; the time of
each part is printed, never asserted).
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test import override_settings

from safetynet.cases.models import Case, CaseEvent
from safetynet.payments.models import Payment, PayrollRun
from safetynet.policy import exits
from safetynet.reports import figures, flows
from safetynet.scenario import jining2020, plan
from safetynet.supervision.models import LedgerItem

END = date(2020, 12, 31)
SEED = {  # sources/000_8a7d024908f0948a.txt
    "wenshang_rural_households": 9_802, "wenshang_rural_persons": 18_192,
    "wenshang_poor_households": 6_396, "wenshang_poor_persons": 11_706,
    "wenshang_urban_households": 277, "wenshang_urban_persons": 504, "wenshang_rural_tekun": 2_696,
    "zoucheng_dibao_persons": 12_597, "zoucheng_tekun_persons": 5_564,
    "city_dibao_persons": 161_100, "city_tekun_persons": 33_900,
}  # fmt: skip


@pytest.fixture(scope="module")
def replayed(django_db_setup, django_db_blocker, tmp_path_factory):
    """The scenario, built once in a transaction rolled back after the module; its own feed
    store and audit key (never the developer's var/)."""
    folder = tmp_path_factory.mktemp("jining2020")
    with django_db_blocker.unblock(), override_settings(
        FEED_STORE=folder / "feeds", UPLOAD_DIR=folder / "uploads", SAFETYNET_AUDIT_KEY="",
        SAFETYNET_AUDIT_KEY_FILE=folder / "audit.key", SAFETYNET_AUDIT_CHECKPOINTS=folder / "checkpoints.jsonl",
        SAFETYNET_DEMO=True,
    ):  # fmt: skip
        with transaction.atomic():
            report = jining2020.run(store=folder / "deliveries")
            print("\njining-2020:", json.dumps(report, ensure_ascii=False))
            # The deferred foreign-key checks of what was written (as a commit would) once, here:
            # else each test's rollback to its savepoint would queue them again for the next.
            connection.check_constraints()
            yield report
            transaction.set_rollback(True)


def within(value: int | Decimal, seed: int | Decimal, share: Decimal = Decimal("0.01")) -> bool:
    return abs(Decimal(value) - Decimal(seed)) <= share * Decimal(seed)


@pytest.fixture
def wenshang(replayed, db):
    return figures.coverage(figures.scope_of(plan.WENSHANG, END))


@pytest.fixture
def jining(replayed, db):
    return figures.coverage(figures.scope_of("3708", END))


def test_wenshang_as_of_2020_12_31_shows_the_seeds_counts(wenshang):
    rural, urban = wenshang.total(programme="dibao", hukou="rural"), wenshang.total(programme="dibao", hukou="urban")
    tekun = wenshang.total(programme="tekun", hukou="rural")
    for got, seed in ((rural.households, "wenshang_rural_households"), (rural.persons, "wenshang_rural_persons"),
                      (rural.poor_households, "wenshang_poor_households"),
                      (rural.poor_persons, "wenshang_poor_persons"), (urban.households, "wenshang_urban_households"),
                      (urban.persons, "wenshang_urban_persons"), (tekun.persons, "wenshang_rural_tekun")):  # fmt: skip
        assert within(got, SEED[seed]), (seed, got, SEED[seed])


def test_the_registered_poor_share_by_persons_and_by_households(wenshang):
    table = figures.registered_poor(wenshang)
    rural = next(line for line in table.lines if line.code == "dibao:rural")
    assert within(rural.values["person_share"], Decimal("64.35"))  # 11,706 / 18,192: the seed's figure
    assert within(rural.values["household_share"], Decimal("65.25"))  # 6,396 / 9,802
    assert abs(rural.values["person_share"] - rural.values["household_share"]) > Decimal("0.5")  # two figures


def test_the_city_and_zoucheng_show_the_seeds_counts(jining):
    assert within(jining.total(programme="dibao").persons, SEED["city_dibao_persons"])
    assert within(jining.total(programme="tekun").persons, SEED["city_tekun_persons"])
    zoucheng = figures.coverage(figures.scope_of(plan.ZOUCHENG, END))
    assert within(zoucheng.total(programme="dibao").persons, SEED["zoucheng_dibao_persons"])
    assert within(zoucheng.total(programme="tekun").persons, SEED["zoucheng_tekun_persons"])
    # the seed's average standards (610 / 460 / 900 / 600) are the means over the 14 areas
    averages = {line.code: line.values["standard"] for line in figures.averages(jining).lines
                if line.code.split(":")[0] in ("dibao", "tekun")}
    assert averages == {"dibao:urban": Decimal("610.00"), "dibao:rural": Decimal("460.00"),
                        "tekun:urban": Decimal("900.00"), "tekun:rural": Decimal("600.00")}


def test_the_wenshang_benefit_per_person_is_the_seeds(wenshang):
    averages = {line.code: line.values["benefit"] for line in figures.averages(wenshang).lines}
    assert within(averages["dibao:rural"], Decimal("267"))  # seed: 农村低保月人均补助 267 元
    assert within(averages["dibao:urban"], Decimal("354"))  # seed: 城市低保月人均补助 354 元


def test_a_member_covered_alone_counts_one_person(replayed, db):
    singles = [c for c in Case.objects.filter(area_code__startswith=plan.WENSHANG, programme="dibao", state="approved")
               .select_related("household") if c.assessment["dibao"]["single_person_members"]]  # fmt: skip
    assert len(singles) >= 12 + 2  # the roll's and those approved in August and October
    assert all(c.persons_covered == 1 < c.household.members.count() for c in singles)
    # the covered persons of 汶上's rural dibao are the sum of what each case covers, not of household sizes
    covered = Case.objects.filter(pk__in=[c.pk for c in singles])
    assert sum(covered.values_list("persons_covered", flat=True)) == len(singles)


def test_the_rolls_as_of_the_take_over_are_read_from_the_history(replayed, db):
    opening = {s.key: s for s in plan.opening_strata()}
    before = figures.coverage(figures.scope_of(plan.WENSHANG, date(2020, 6, 30)))
    rural = before.total(programme="dibao", hukou="rural")
    assert rural.households == sum(s.households for k, s in opening.items() if k[:3] == (plan.WENSHANG, "dibao",
                                                                                          "rural"))
    assert rural.persons == sum(s.persons for k, s in opening.items() if k[:3] == (plan.WENSHANG, "dibao", "rural"))


def test_movements_went_through_the_services(replayed, db):
    moves = replayed["movements"]
    assert moves["applications"] == moves["approved"] + moves["refused"] >= 80 and moves["refused"] == 6
    steps = CaseEvent.objects.filter(on__gte=plan.START, case__area_code__startswith=plan.WENSHANG)
    for name in ("start_precheck", "accept", "record_home_visit", "approve", "refuse", "close_notice", "start_review",
                 "continue_after_review", "start_graduated_exit", "give_termination_notice", "terminate"):
        assert steps.filter(transition=name).exists(), name
    # nothing backdated: every act on its own day of 2020, the office's clock at that day
    assert not steps.filter(on__gt=END).exists()


def test_no_dibao_exit_in_2020_without_a_special_cause(replayed, db):
    notices = CaseEvent.objects.filter(transition="give_termination_notice", case__programme="dibao",
                                       on__gte=plan.START, on__lte=END)  # fmt: skip
    causes = set(notices.values_list("data__cause", flat=True))
    assert causes and causes <= set(exits.exit_pause(plan.WENSHANG, END, "dibao")["special_causes"])
    # the households whose income rose and are not registered poor stay covered, their review open
    assert replayed["movements"]["exit_held"] == 2
    held = Case.objects.filter(area_code__startswith=plan.WENSHANG, state="review", household__registered_poor=False)
    assert held.count() >= 2


def test_graduated_exits_of_2020_run_to_the_end_of_the_year(replayed, db):
    graduated = Case.objects.filter(state="graduated_exit", area_code__startswith=plan.WENSHANG)
    assert graduated.count() == 6
    started = dict(CaseEvent.objects.filter(case__in=graduated, transition="start_graduated_exit")
                   .values_list("case_id", "on"))  # fmt: skip
    for case in graduated:  # 3 to 6 months from the start, at least to December 2020
        months = case.events.get(transition="start_graduated_exit").data["months"]
        assert case.entitlement_until == max(date(2021, 1, 1), exits.graduated_exit_until(
            case.area_code, started[case.pk], months, registered_poor=False))


def test_payrolls_and_the_price_subsidy_of_july_to_september(replayed, db):
    runs = PayrollRun.objects.filter(township__code__startswith=plan.WENSHANG)
    assert set(runs.values_list("month", flat=True)) == {date(2020, m, 1) for m in plan.MONTHS}
    assert not runs.exclude(status="approved").exclude(lines=0).exists()
    subsidy = Payment.objects.filter(kind="price_subsidy", run__township__code__startswith=plan.WENSHANG)
    assert set(subsidy.values_list("month", flat=True)) == {date(2020, m, 1) for m in (7, 8, 9)}
    # July: food prices +13.2 %: 445 × 13.2 % = 58.74, 59 yuan a person in rural 汶上县; a member
    # covered alone is paid for one person, a family for its members
    single = next(c for c in Case.objects.filter(area_code__startswith=plan.WENSHANG, programme="dibao",
                                                 household__hukou="rural", persons_covered=1)
                  .select_related("household") if c.household.members.count() > 1)  # fmt: skip
    july = subsidy.filter(month=date(2020, 7, 1))
    assert july.get(case=single).amount_fen == 5900
    family = Case.objects.filter(area_code__startswith=plan.WENSHANG, programme="dibao", household__hukou="rural",
                                 persons_covered=3, approved_on__lt=plan.START).first()  # fmt: skip
    assert july.get(case=family).amount_fen == 3 * 5900


def test_the_screening_found_what_was_planted_and_a_missed_household_was_enrolled(replayed, db):
    items = LedgerItem.objects.filter(area__code__startswith=plan.WENSHANG)
    kinds = set(items.values_list("kind", flat=True))
    assert {"deceased", "owns_car", "missed_dibao"} <= kinds
    assert not items.filter(status="open").exists()  # every item visited and closed in December
    scope = figures.scope_of(plan.WENSHANG, END, start=date(2020, 7, 1), end=date(2020, 12, 1))
    table = flows.enrolments_after_finding(scope)
    assert sum(line.values["households"] for line in table.lines) == 1
    assert sum(line.values["persons"] for line in table.lines) == 2


def test_the_command_builds_only_in_an_empty_demo_office(replayed, db, capsys, settings):
    from safetynet.cli import main

    settings.SAFETYNET_DEMO = False
    assert main(["generate", "--scenario", "jining-2020", "--payroll", "wenshang"]) == 2
    assert "情景只能在演示或调试环境中生成" in capsys.readouterr().err
    settings.SAFETYNET_DEMO = True
    assert main(["generate", "--scenario", "jining-2020", "--payroll", "wenshang"]) == 2
    assert "情景只能在空的系统中生成" in capsys.readouterr().err
    assert main(["generate", "--scenario", "jining-2020", "--out", "x"]) == 2
    assert "不与 --households、--out 同用" in capsys.readouterr().err
    assert main(["generate", "--out", "x"]) == 2  # the Parquet city still needs its size
    assert "--households" in capsys.readouterr().err
