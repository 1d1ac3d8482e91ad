"""Two clerks reporting the same event at once: one case, the other refused naming it (the
database's constraint); two help-first payments of one case at once: one draw. Real concurrency
needs real connections: PostgreSQL (the CI's second pass)."""

from __future__ import annotations

import random
import threading
from datetime import date, datetime

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from safetynet.cases import services as cases
from safetynet.cases.models import Case
from safetynet.funds import services as funds
from safetynet.funds.models import FundEntry
from safetynet.policy.errors import PolicyError
from safetynet.registry.models import Area
from safetynet.site import demo
from safetynet.temporary import services
from safetynet.temporary.models import TemporaryCase

POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
DAY = date(2024, 3, 4)


def _together(n: int, act) -> list[str]:
    barrier = threading.Barrier(n)
    outcomes: list[str] = []

    def run(i: int) -> None:
        try:
            barrier.wait()
            act(i)
            outcomes.append("ok")
        except PolicyError as exc:
            outcomes.append(exc.errors[0].code if hasattr(exc, "errors") else exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(outcomes)


@pytest.mark.skipif(not POSTGRES, reason="needs concurrent connections: runs on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_one_event_reported_twice_at_once_is_one_case():
    demo.build_areas(counties=["370811"], townships=1, villages=1)
    clerks = [demo.make_staff(f"c{i}", "clerk", "370811001") for i in range(2)]
    household = demo.make_household(clerks[0], Area.objects.get(code="370811001001"), random.Random(9), DAY,
                                    size=2, wage_fen=0)
    head = household.members.get(relation="head")

    def report(i: int) -> None:
        services.report(clerks[i], household=household, applicant=head, kind="emergency", cause="fire",
                        occurred_on=date(2024, 3, 3),
                        reported_at=timezone.make_aware(datetime(2024, 3, 4, 10 + i)))

    assert _together(2, report) == ["ok", "temporary_duplicate_event"]
    assert TemporaryCase.objects.count() == Case.objects.filter(programme="temporary").count() == 1


@pytest.mark.skipif(not POSTGRES, reason="needs concurrent connections: runs on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_help_first_taken_twice_at_once_draws_once():
    demo.build_areas(counties=["370811"], townships=1, villages=1)
    clerk = demo.make_staff("c0", "clerk", "370811001")
    approver = demo.make_staff("a0", "approver", "370811001")
    county = demo.make_staff("k0", "county", "370811")
    funds.allocate(county, township_code="370811001", amount_fen=1_000_000, on=date(2024, 3, 1), document="A1")
    household = demo.make_household(clerk, Area.objects.get(code="370811001001"), random.Random(9), DAY,
                                    size=2, wage_fen=0)
    case = services.report(clerk, household=household, applicant=household.members.get(relation="head"),
                           kind="emergency", cause="fire", occurred_on=date(2024, 3, 3),
                           reported_at=timezone.make_aware(datetime(2024, 3, 4, 10)))
    seen = case.version

    def pay(i: int) -> None:
        cases.take_step((clerk, approver)[i], Case.objects.get(pk=case.pk), "help_first", version=seen,
                        on=date(2024, 3, 4), amount="1000.00", method="cash", time="15:00", receipt=f"SJ{i}")

    assert _together(2, pay) == ["ok", "stale_version"]
    assert FundEntry.objects.filter(kind="draw", case_id=case.pk).count() == 1
