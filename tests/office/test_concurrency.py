"""Two clerks acting on one case at once: exactly one succeeds (row lock and version check).

Real concurrency needs real connections, so this runs on PostgreSQL (the CI's second pass).
"""

from __future__ import annotations

import random
import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection

from safetynet.cases import services
from safetynet.cases.models import Case, CaseEvent
from safetynet.policy.errors import PolicyError
from safetynet.registry.models import Area
from safetynet.site import demo
from tests.office.conftest import TODAY

POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


@pytest.mark.skipif(not POSTGRES, reason="needs concurrent connections: runs on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_approvers_deciding_one_case_at_once_cannot_both_succeed():
    demo.build_areas(counties=["370811"], townships=1, villages=1)
    clerk = demo.make_staff("c1", "clerk", "370811001")
    approvers = [demo.make_staff(f"a{i}", "approver", "370811001") for i in range(2)]
    household = demo.make_household(clerk, Area.objects.get(code="370811001001"), random.Random(9), TODAY,
                                    size=1, wage_fen=0)
    case = services.start_precheck(clerk, household=household, programme="dibao",
                                   applicant=household.members.get(), on=TODAY)
    case = services.accept(clerk, case, version=case.version, on=TODAY)
    case = services.record_home_visit(clerk, case, version=case.version, on=TODAY, investigators=["甲", "乙"],
                                      family_signed=True, findings="属实")
    seen = case.version
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(approver, refuse: bool) -> None:
        try:
            barrier.wait()
            if refuse:
                services.refuse(approver, Case.objects.get(pk=case.pk), version=seen, on=TODAY + timedelta(days=1),
                                reasons="收入超标")
            else:
                services.approve(approver, Case.objects.get(pk=case.pk), version=seen, on=TODAY + timedelta(days=1))
            outcomes.append("ok")
        except PolicyError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(approvers[i], i == 1)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "stale_version"]
    final = Case.objects.get(pk=case.pk)
    assert final.version == seen + 1
    assert CaseEvent.objects.filter(case=final, transition__in=["approve", "refuse"]).count() == 1
