"""Two help-first payments from one township's standby fund at the same moment, when the balance
covers one: the second waits for the first's lock and is refused with the balance it left.

Real concurrency needs real connections, so this runs on PostgreSQL (the CI's second pass).
"""

from __future__ import annotations

import threading
import time

import pytest
from django.conf import settings
from django.db import connection, transaction

from safetynet.funds import selectors, services
from safetynet.funds.models import FundEntry
from safetynet.policy.errors import InputError
from safetynet.site import demo
from tests.office.conftest import TODAY

POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


@pytest.mark.skipif(not POSTGRES, reason="needs concurrent connections: runs on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_draws_at_once_when_the_balance_covers_one(settings):
    settings.SAFETYNET_TODAY = TODAY
    demo.build_areas(counties=["370811"], townships=1, villages=1)
    county = demo.make_staff("county", "county", "370811")
    clerks = [demo.make_staff(f"clerk{i}", "clerk", "370811001") for i in range(2)]
    services.allocate(county, township_code="370811001", amount_fen=100000, on=TODAY, document="任民发〔2024〕1号")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def pay(clerk) -> None:
        try:
            barrier.wait()
            with transaction.atomic():  # as a case step calls it: the lock is held until the step commits
                services.draw(clerk, township_code="370811001", amount_fen=80000, on=TODAY, purpose="火灾先行救助",
                              receipt=clerk.username)  # fmt: skip
                time.sleep(0.3)  # the rest of the step: whoever waits must see this payment
            outcomes.append("paid")
        except InputError as exc:
            (error,) = exc.errors
            outcomes.append(f"{error.path}:{error.code}:{error.params['balance']}")
        finally:
            connection.close()

    threads = [threading.Thread(target=pay, args=(c,)) for c in clerks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["amount:fund_insufficient:200.00", "paid"]
    assert selectors.balance("370811001") == 20000
    assert FundEntry.objects.filter(kind="draw").count() == 1
