"""先授权、后核对: no household is checked against department data without every member's signed
authorisation; with them, the check records what was declared against what was found."""

from __future__ import annotations

from datetime import date

import pytest

from safetynet.cases.services import record_authorization
from safetynet.policy.errors import InputError
from safetynet.registry.models import Area
from safetynet.registry.selectors import Forbidden
from safetynet.supervision.models import AuditEvent
from safetynet.verification import services
from safetynet.verification.models import CheckResult, CheckRun
from tests.verification.conftest import DELIVERED, client_for, unauthorized_household, write_csv

MONTH = date(2026, 11, 1)


def authorize(clerk, household):
    for p in household.members.all():
        record_authorization(clerk, id_number=p.id_number, signed_on=date(2026, 11, 2), document=f"SQ{p.pk}",
                             person=p)  # fmt: skip


def test_a_household_without_authorisations_is_not_checked(city, store):
    household = unauthorized_household(city["clerk"])
    with pytest.raises(InputError) as exc:
        services.check_household(city["verifier"], household, month=MONTH)
    (error,) = exc.value.errors
    assert error.path == "authorizations" and error.code == "authorization_missing"
    assert (
        "赵一" in error.message("zh") and "钱二" in error.message("zh") and "尚未签署授权核对书" in error.message("zh")
    )
    assert not CheckRun.objects.exists() and not CheckResult.objects.exists()
    # one signature is not enough: the other member is still named
    head = household.members.get(relation="head")
    record_authorization(city["clerk"], id_number=head.id_number, signed_on=date(2026, 11, 2), document="SQ1",
                         person=head)  # fmt: skip
    with pytest.raises(InputError) as exc:
        services.check_household(city["verifier"], household, month=MONTH)
    assert "钱二" in exc.value.message("zh") and "赵一" not in exc.value.message("zh")


def test_with_authorisations_the_check_runs_and_records_the_result(city, store, tmp_path):
    household = unauthorized_household(city["clerk"])
    authorize(city["clerk"], household)
    head = household.members.get(relation="head")
    deposits = write_csv(tmp_path / "deposits.csv", "id_number,institution,balance,as_of",
                         [f"{head.id_number},济宁银行,250000.00,2026-10-31"])  # fmt: skip
    services.import_delivery(city["verifier"], deposits, "deposits", DELIVERED)
    run = services.check_household(city["verifier"], household, month=MONTH)
    assert run.kind == CheckRun.Kind.HOUSEHOLD and run.status == CheckRun.Status.DONE and run.progress == 100
    assert run.households == 1 and run.person_checks == 2 and run.summary["data"] is True
    result = CheckResult.objects.get(run=run)
    assert result.household == household
    differing = [line for line in result.lines if line["differs"]]
    assert [(d["id_number"], d["line"], d["found"]) for d in differing] == [
        (head.id_number, "financial_assets", "250000.00")
    ]
    assert differing[0]["departments"].startswith("银行业金融机构")
    event = AuditEvent.objects.get(action="verification.check")
    assert event.object_id == str(run.pk) and event.details["households"] == 1
    # the run's page shows the result and the differing line with its department
    page = client_for(city["clerk"]).get(f"/verification/runs/{run.pk}/").content.decode()
    assert "金融资产" in page and "250000.00" in page and "银行业金融机构" in page and head.id_number in page
    masked = client_for(city["city_admin"]).get(f"/verification/runs/{run.pk}/").content.decode()
    assert "250000.00" in masked and head.id_number not in masked
    api = client_for(city["county"]).get(f"/api/v1/verification/runs/{run.pk}/results").json()
    assert api["count"] == 1 and "银行业金融机构" in api["results"][0]["differences"][0]["departments"]


def test_a_township_recheck_leaves_out_and_lists_households_without_authorisations(city, store, poor_household):
    missing = unauthorized_household(city["clerk"], names=("孙三", "李四"))
    township = Area.objects.get(code="370811001")
    run = services.check_households(city["verifier"], [poor_household, missing], month=MONTH,
                                    kind=CheckRun.Kind.TOWNSHIP, area=township)  # fmt: skip
    assert run.households == 1 and list(run.results.values_list("household", flat=True)) == [poor_household.pk]
    assert run.summary["skipped"] == [{"household": missing.pk, "missing": ["孙三", "李四"]}]
    page = client_for(city["verifier"]).get(f"/verification/runs/{run.pk}/").content.decode()
    assert "缺少授权核对书" in page and "孙三、李四" in page


@pytest.mark.parametrize("who", ["approver", "auditor", "other_clerk", "wenshang_clerk"])
def test_roles_and_areas_that_may_not_check(city, store, poor_household, who):
    with pytest.raises(Forbidden) as exc:
        services.check_household(city[who], poor_household, month=MONTH)
    assert "不能核对家庭经济状况" in str(exc.value)
