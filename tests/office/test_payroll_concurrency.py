"""Two payrolls of one township computed at the same moment (two approvers, or the worker and a
clerk): the second waits for the first and counts its draft, so a month is carried once.

Real concurrency needs real connections, so this runs on PostgreSQL (the CI's second pass).
"""

from __future__ import annotations

import random
import threading
from datetime import date

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Sum

from safetynet.payments import services
from safetynet.payments.models import Payment
from safetynet.registry.models import Area
from safetynet.site import demo
from tests.office.conftest import TODAY
from tests.office.test_payroll import approved_case

POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


@pytest.mark.skipif(not POSTGRES, reason="needs concurrent connections: runs on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_months_computed_at_once_carry_each_month_once():
    demo.build_areas(counties=["370811"], townships=1, villages=1)
    city = {"clerk": demo.make_staff("c1", "clerk", "370811001"),
            "approver": demo.make_staff("a1", "approver", "370811001")}
    township = Area.objects.get(code="370811001")
    cases = [approved_case(city, demo.make_household(city["clerk"], Area.objects.get(code="370811001001"),
                                                     random.Random(i), TODAY, size=1, wage_fen=0))
             for i in range(30)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def compute(month: date) -> None:
        try:
            barrier.wait()
            services.run_payroll(city["approver"], month=month, township=township, programme="dibao")
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=compute, args=(m,)) for m in (date(2024, 4, 1), date(2024, 5, 1))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    april = Payment.objects.filter(for_month=date(2024, 4, 1)).aggregate(total=Sum("amount_fen"))["total"]
    assert april == sum(c.monthly_amount_fen for c in cases)  # in one draft or the other, not both
