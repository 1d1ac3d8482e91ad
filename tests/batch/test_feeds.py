"""Department deliveries: every row checked, bad rows reported where they are, good rows loaded,
the same delivery imported twice changes nothing; CSV, Excel and Parquet alike."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from openpyxl import Workbook

from safetynet.batch import feeds
from safetynet.batch.feed_items import DEPARTMENTS, ITEMS
from safetynet.batch.feeds import FeedError, read_delivery, scan_item, write_delivery
from safetynet.policy.idnumber import generate

DELIVERED = date(2026, 10, 31)
GOOD = generate("370830", date(1950, 1, 1), 1, "male")
OTHER = generate("370811", date(1988, 5, 17), 2, "female")
BAD_CHECK = GOOD[:-1] + ("0" if GOOD[-1] != "0" else "1")

DEPOSITS = [
    ["id_number", "institution", "balance", "as_of"],
    [GOOD, "农业银行", "1200.50", "2026-10-31"],
    [BAD_CHECK, "农业银行", "10", "2026-10-31"],  # row 3: wrong check digit
    [OTHER, "工商银行", "12.345", "2026-10-31"],  # row 4: three decimals
    [OTHER, "工商银行", "300", "2026-11-30"],  # row 5: after the delivery date
    ["", "建设银行", "5", "2026/10/01"],  # row 6: no ID, bad date
    [OTHER, "邮储银行", "88", "2026-09-30"],
]


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding=encoding)
    return path


def write_xlsx(path: Path, rows: list[list[str]]) -> Path:
    book = Workbook()
    for r in rows:
        book.active.append(r)
    book.save(path)
    return path


def test_the_catalogue_has_19_items_from_13_departments():
    assert len(ITEMS) == 19
    assert len(DEPARTMENTS) == 13
    assert {i.department for i in ITEMS.values()} == set(DEPARTMENTS)
    assert all(next(iter(i.columns)) == "id_number" for i in ITEMS.values())


@pytest.mark.parametrize("fmt", ["csv", "gbk.csv", "xlsx", "parquet"])
def test_bad_rows_are_reported_where_they_are_and_good_rows_load(tmp_path, fmt):
    if fmt == "xlsx":
        path = write_xlsx(tmp_path / "deposits.xlsx", DEPOSITS)
    elif fmt == "parquet":
        path = tmp_path / "deposits.parquet"
        pl.DataFrame(DEPOSITS[1:], schema=DEPOSITS[0], orient="row").write_parquet(path)
    else:
        path = write_csv(tmp_path / "deposits.csv", DEPOSITS, "gb18030" if fmt.startswith("gbk") else "utf-8")
    delivery = read_delivery(path, "deposits", DELIVERED)
    assert delivery.rows.select("id_number", "balance").rows() == [(GOOD, 120050), (OTHER, 8800)]
    first = 2 if fmt != "parquet" else 1  # a spreadsheet's first data row is row 2
    rejected = {(r["row"] - first + 2, r["column"]): r["reason"] for r in delivery.rejections.to_dicts()}
    assert "校验码" in rejected[(3, "id_number")]
    assert "两位小数" in rejected[(4, "balance")]
    assert "晚于交付日期" in rejected[(5, "as_of")]
    assert rejected[(6, "id_number")] == "必填项为空"
    assert "YYYY-MM-DD" in rejected[(6, "as_of")]
    assert set(delivery.rejections["file"]) == {path.name}


def test_importing_the_same_delivery_twice_changes_nothing(tmp_path):
    store = tmp_path / "store"
    path = write_csv(tmp_path / "deposits.csv", DEPOSITS)
    first, existed = write_delivery(store, read_delivery(path, "deposits", DELIVERED))
    assert not existed
    before = {p: p.read_bytes() for p in store.rglob("*.parquet")}
    second, existed = write_delivery(store, read_delivery(path, "deposits", DELIVERED))
    assert existed and first == second
    assert {p: p.read_bytes() for p in store.rglob("*.parquet")} == before
    assert scan_item(store, "deposits", DELIVERED).collect().height == 2


def test_a_file_that_is_not_a_table_is_refused_whole(tmp_path):
    ragged = tmp_path / "deposits.csv"
    ragged.write_text(f"id_number,institution,balance,as_of\n{GOOD},农行,1\n", encoding="utf-8")
    with pytest.raises(FeedError, match="第 2 行有 3 列"):
        read_delivery(ragged, "deposits", DELIVERED)
    missing = write_csv(tmp_path / "d2.csv", [["id_number", "balance"], [GOOD, "1"]])
    with pytest.raises(FeedError, match="缺少列：institution、as_of"):
        read_delivery(missing, "deposits", DELIVERED)
    with pytest.raises(FeedError, match="不支持的文件格式"):
        read_delivery(write_csv(tmp_path / "d.txt", DEPOSITS), "deposits", DELIVERED)
    with pytest.raises(FeedError, match="未知的数据项"):
        read_delivery(ragged, "horoscopes", DELIVERED)
    broken = tmp_path / "d.parquet"
    broken.write_bytes(b"PAR1 not really")
    with pytest.raises(FeedError, match="文件无法读取"):
        read_delivery(broken, "deposits", DELIVERED)


def test_a_later_delivery_of_a_month_replaces_the_earlier_one(tmp_path):
    store = tmp_path / "store"
    header = ["id_number", "month", "wage_income", "tax", "personal_insurance"]
    write_delivery(store, read_delivery(write_csv(tmp_path / "a.csv", [header, [GOOD, "2026-09", "3000", "0", "0"]]),
                                        "income_tax", date(2026, 9, 30)))  # fmt: skip
    write_delivery(store, read_delivery(write_csv(tmp_path / "b.csv", [header, [GOOD, "2026-09", "2500", "0", "0"]]),
                                        "income_tax", date(2026, 10, 31)))  # fmt: skip
    assert scan_item(store, "income_tax", date(2026, 10, 31)).collect()["wage_income"].to_list() == [250000]
    # what was known on an earlier day is what was delivered by then
    assert scan_item(store, "income_tax", date(2026, 10, 1)).collect()["wage_income"].to_list() == [300000]


def test_store_rows_round_trip_through_the_delivery_format(tmp_path):
    from safetynet.batch.generate import generate_city

    store = tmp_path / "city"
    generate_city(300, store, month=date(2026, 11, 1), townships=2, villages=2)
    for code in ITEMS:
        rows = feeds.read_store_item(store, code, DELIVERED)
        path = tmp_path / f"{code}.csv"
        feeds.as_delivery(code, rows).write_csv(path)
        back = read_delivery(path, code, DELIVERED)
        assert back.rejections.height == 0, (code, back.rejections.head(3).to_dicts())
        assert back.rows.sort(back.rows.columns).equals(rows.select(back.rows.columns).sort(back.rows.columns)), code


def test_a_resident_registered_twice_is_refused_after_the_first_row(tmp_path):
    header = ["id_number", "name", "household_no", "area_code", "hukou", "relation", "father_id", "mother_id"]
    rows = [header, [GOOD, "张三", "H1", "370830001001", "rural", "head", "", ""],
            [OTHER, "李四", "H1", "370830001001", "rural", "spouse", "", ""],
            [GOOD.lower(), "张三", "H2", "370830001002", "rural", "head", "", ""]]  # fmt: skip
    delivery = read_delivery(write_csv(tmp_path / "reg.csv", rows), "household_registration", DELIVERED)
    assert delivery.rows["household_no"].to_list() == ["H1", "H1"]
    assert [(r["row"], r["reason"]) for r in delivery.rejections.to_dicts()] == [
        (4, "身份证号重复：同一人只能登记一行")
    ]


def test_two_employers_in_one_month_are_two_wages_and_a_correction_replaces_both(tmp_path):
    store = tmp_path / "store"
    header = ["id_number", "month", "wage_income", "tax", "personal_insurance"]
    two = [header, [GOOD, "2026-09", "1000", "0", "0"], [GOOD, "2026-09", "800", "0", "0"]]
    write_delivery(store, read_delivery(write_csv(tmp_path / "a.csv", two), "income_tax", date(2026, 9, 30)))
    assert sorted(scan_item(store, "income_tax", DELIVERED).collect()["wage_income"]) == [80000, 100000]
    fixed = [header, [GOOD, "2026-09", "1900", "0", "0"]]
    write_delivery(store, read_delivery(write_csv(tmp_path / "b.csv", fixed), "income_tax", date(2026, 10, 31)))
    assert scan_item(store, "income_tax", DELIVERED).collect()["wage_income"].to_list() == [190000]


def test_only_files_written_in_person_order_are_read_as_such(tmp_path):
    """A file put in the store by hand, out of order, is still summed up correctly."""
    store = tmp_path / "store"
    path = write_csv(tmp_path / "d.csv", DEPOSITS[:2] + [[OTHER, "工商银行", "5", "2026-10-31"]])
    target, _ = write_delivery(store, read_delivery(path, "deposits", DELIVERED))
    assert pl.read_parquet_metadata(target).get(feeds.ORDER_NOTE) == "person_key"
    shuffled = pl.read_parquet(target).reverse()  # no order note any more: written by hand
    shuffled = pl.concat([shuffled, shuffled.head(1)])  # the first person twice, apart
    shuffled.write_parquet(target)
    from safetynet.batch.facts import item_facts

    got = item_facts("deposits", scan_item(store, "deposits", DELIVERED), date(2026, 11, 1)).collect()
    assert dict(got.iter_rows()) == {int(OTHER[:17]): 500, int(GOOD[:17]): 2 * 120050}


def test_each_bank_statement_counts_until_that_bank_delivers_again(tmp_path):
    store = tmp_path / "store"
    header = ["id_number", "institution", "balance", "as_of"]
    first = [[GOOD, "农业银行", "100", "2026-09-30"], [GOOD, "工商银行", "50", "2026-09-30"]]
    for day, rows in ((date(2026, 10, 1), first), (date(2026, 10, 20), [[GOOD, "工商银行", "70", "2026-10-19"]])):
        path = write_csv(tmp_path / f"{day}.csv", [header, *rows])
        write_delivery(store, read_delivery(path, "deposits", day))
    got = scan_item(store, "deposits", DELIVERED).collect().sort("institution")
    assert dict(got.select("institution", "balance").rows()) == {"工商银行": 7000, "农业银行": 10000}
