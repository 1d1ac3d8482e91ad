"""Department feeds: reading a delivery (CSV, Excel, Parquet), validating every row, and the
local Parquet store the checks and the screening read.

A delivery is one file of one item (``feed_items.ITEMS``) delivered on a date. Every row is
checked against the item's format; a bad row goes to the rejection report with its file, row,
column and reason, and the good rows still load. The store is hive-partitioned
``department=…/item=…/delivery=YYYY-MM-DD/part-<sha>.parquet``, so Polars and Spark read it
alike; the part is named by the file's SHA-256, which makes importing the same delivery again
a no-op. Rows are numbered as a spreadsheet shows them: the header is row 1, the first data row
is row 2 (Parquet has no header: its first record is row 1).
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from safetynet.batch.feed_items import ITEMS, Item
from safetynet.policy import idnumber
from safetynet.policy.household import MAX_MONEY_FEN
from safetynet.policy.money import fmt_expr

FORMATS = ("csv", "xlsx", "parquet")
REJECTION_SCHEMA = {"file": pl.String, "row": pl.Int64, "column": pl.String, "value": pl.String, "reason": pl.String}
_TYPES = {"id": pl.String, "text": pl.String, "date": pl.Date, "month": pl.Date, "money": pl.Int64,
          "grade": pl.Int8, "year": pl.Int16, "bool": pl.Boolean}  # fmt: skip
_TRUE, _FALSE = ("1", "true", "是", "y", "yes"), ("0", "false", "否", "n", "no")


class FeedError(Exception):
    """A delivery that cannot be read at all (no such item, wrong columns, not a table)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Delivery:
    item: Item
    delivered: date
    sha256: str
    rows: pl.DataFrame  # typed, the good rows
    rejections: pl.DataFrame  # REJECTION_SCHEMA

    @property
    def part_name(self) -> str:
        return f"part-{self.sha256[:16]}.parquet"


def dtype(kind: object) -> pl.DataType:
    return pl.String if isinstance(kind, tuple) else _TYPES[kind]


def store_schema(item: Item) -> dict[str, pl.DataType]:
    """The typed columns of an item in the store; ``person_key`` is the ID number's first 17
    digits as an integer (the check digit follows from them), the key every join uses."""
    schema = {name.rstrip("?"): dtype(kind) for name, kind in item.columns.items()}
    return {"person_key": pl.Int64, **schema, **dict.fromkeys(link_keys(item).values(), pl.Int64)}


def link_keys(item: Item) -> dict[str, str]:
    """The ID columns naming another person (``spouse_id``), each kept as a key too (``spouse_key``)."""
    return {
        name.rstrip("?"): name.rstrip("?").removesuffix("_id") + "_key"
        for name, kind in item.columns.items()
        if kind == "id" and name != "id_number"
    }


def _keys(item: Item) -> list[pl.Expr]:
    return [pl.col(c).str.slice(0, 17).cast(pl.Int64).alias(key) for c, key in link_keys(item).items()]


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_table(path: Path) -> tuple[pl.DataFrame, int]:
    """All cells of the file as text, and the row number of its first data row."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise FeedError(f"不支持的文件格式 .{suffix}：应为 CSV、Excel（.xlsx）或 Parquet")
    try:
        if suffix == "parquet":
            frame = pl.read_parquet(path)
            return frame.with_columns(_as_text(frame)), 1
        if suffix == "xlsx":
            check_xlsx_size(path)
            return _read_xlsx(path), 2
        return _read_csv(path), 2
    except FeedError:
        raise
    except Exception as exc:  # a malformed file, whatever the reader says about it
        raise FeedError(f"文件无法读取（{path.name}）：{str(exc).splitlines()[0][:200]}") from None


def _as_text(frame: pl.DataFrame) -> list[pl.Expr]:
    out = []
    for name, dt in frame.schema.items():
        col = pl.col(name)
        if dt == pl.Date:
            out.append(col.dt.strftime("%Y-%m-%d"))
        elif dt.is_float():
            # a float amount in a Parquet delivery: to two decimals, as the format asks
            out.append(col.round(2).cast(pl.String))
        else:
            out.append(col.cast(pl.String))
    return out


def _read_csv(path: Path) -> pl.DataFrame:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")  # offices' spreadsheets save CSV in GBK
    lines = list(csv.reader(io.StringIO(text)))
    if not lines:
        raise FeedError(f"文件为空（{path.name}）")
    header, body = [h.strip() for h in lines[0]], lines[1:]
    for number, row in enumerate(body, start=2):
        if len(row) != len(header) and any(cell.strip() for cell in row):
            raise FeedError(f"第 {number} 行有 {len(row)} 列，表头有 {len(header)} 列（{path.name}）")
    body = [row for row in body if len(row) == len(header)]
    return pl.DataFrame(body, schema=dict.fromkeys(header, pl.String), orient="row")


# A spreadsheet bomb is a small .xlsx whose XML inflates to gigabytes when read. An office's
# sheet compresses 5 to 30 times; refuse what no real delivery would be, before opening it.
XLSX_MAX_UNCOMPRESSED = 2 << 30  # bytes of XML in all (2 GiB: a few million rows)
XLSX_MAX_RATIO = 200  # for any part over a megabyte


def check_xlsx_size(path: Path) -> None:
    """FeedError for an .xlsx that is not a zip, or would inflate absurdly. The sizes read here
    are the ones zipfile (and so openpyxl) stops at, so a file cannot understate them."""
    try:
        with zipfile.ZipFile(path) as book:
            parts = book.infolist()
    except (zipfile.BadZipFile, OSError):
        raise FeedError(f"文件无法读取（{path.name}）：不是有效的 Excel（.xlsx）文件") from None
    total = sum(p.file_size for p in parts)
    if total > XLSX_MAX_UNCOMPRESSED:
        raise FeedError(f"Excel 文件解压后达 {total >> 20} MB，超过上限 {XLSX_MAX_UNCOMPRESSED >> 20} MB，"
                        f"已拒绝（{path.name}）：请改用 CSV 或 Parquet，或拆分后报送")
    for part in parts:
        if part.file_size > 1 << 20 and part.file_size > XLSX_MAX_RATIO * max(part.compress_size, 1):
            raise FeedError(f"Excel 文件中的 {part.filename} 压缩比异常（{part.file_size // max(part.compress_size, 1)}"
                            f" 倍，上限 {XLSX_MAX_RATIO} 倍），疑为“压缩炸弹”，已拒绝（{path.name}）")


def _read_xlsx(path: Path) -> pl.DataFrame:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(rows, [])]
        if not any(header):
            raise FeedError(f"工作表为空（{path.name}）")
        body = [[_cell_text(v) for v in row[: len(header)]] for row in rows]
    finally:
        book.close()
    return pl.DataFrame(body, schema=dict.fromkeys(header, pl.String), orient="row")


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if hasattr(value, "date") and callable(value.date):  # a datetime cell
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def validate(
    item: Item, table: pl.DataFrame, first_row: int, file: str, delivered: date
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The item's rows, typed, and one rejection per bad cell; a row with any bad cell is left out."""
    names = item.column_names()
    missing = [c for c in item.required if c not in table.columns]
    if missing:
        raise FeedError(f"{file} 缺少列：{'、'.join(missing)}（{item.name} 应有列：{'、'.join(names)}）")
    table = table.with_columns(pl.lit(None, pl.String).alias(c) for c in names if c not in table.columns)
    table = table.select(
        pl.int_range(first_row, first_row + pl.len(), dtype=pl.Int64).alias("_row"),
        *(pl.col(c).str.strip_chars().replace("", None).alias(c) for c in names),
    )
    parsed, errors = [], []
    for name, kind in item.columns.items():
        col = name.rstrip("?")
        value, error = _parse(pl.col(col), kind, delivered)
        if not name.endswith("?"):
            error = pl.when(pl.col(col).is_null()).then(pl.lit("必填项为空")).otherwise(error)
        else:
            error = pl.when(pl.col(col).is_null()).then(None).otherwise(error)
        parsed.append(value.alias(col))
        errors.append(error.alias(f"_err_{col}"))
    checked = table.with_columns(errors).with_columns(parsed)
    error_cols = [f"_err_{c}" for c in names]
    rejections = (
        table.select("_row", *names)
        .with_columns(pl.col(c).alias(f"_value_{c}") for c in names)
        .hstack(checked.select(error_cols))
        .unpivot(index="_row", on=error_cols, variable_name="column", value_name="reason")
        .filter(pl.col("reason").is_not_null())
        .with_columns(pl.col("column").str.strip_prefix("_err_"))
    )
    values = table.unpivot(index="_row", on=list(names), variable_name="column", value_name="value")
    rejections = (
        rejections.join(values, on=["_row", "column"], how="left")
        .select(pl.lit(file).alias("file"), pl.col("_row").alias("row"), "column", "value", "reason")
        .sort("row", "column")
        .cast(REJECTION_SCHEMA)
    )
    if item.kind == "register":  # one row per resident: a repeated ID number is refused after its first row
        repeated = pl.col("id_number").str.to_uppercase().is_duplicated() & (
            pl.int_range(pl.len()) != pl.int_range(pl.len()).min().over(pl.col("id_number").str.to_uppercase())
        )
        dup = table.filter(repeated.fill_null(False)).select(
            pl.lit(file).alias("file"), pl.col("_row").alias("row"), pl.lit("id_number").alias("column"),
            pl.col("id_number").alias("value"), pl.lit("身份证号重复：同一人只能登记一行").alias("reason"),
        )  # fmt: skip
        rejections = pl.concat([rejections, dup.cast(REJECTION_SCHEMA)]).sort("row", "column")
        checked = checked.with_columns(
            pl.when(pl.lit(table.select(repeated.fill_null(False)).to_series()))
            .then(pl.lit("dup"))
            .otherwise(pl.col("_err_id_number"))
            .alias("_err_id_number")
        )
    good = checked.filter(pl.all_horizontal(pl.col(error_cols).is_null()))
    schema = store_schema(item)
    rows = (
        good.select(
            pl.col("id_number").str.slice(0, 17).cast(pl.Int64).alias("person_key"), *(pl.col(c) for c in names)
        )
        .with_columns(_keys(item))
        .cast(schema)
    )
    return rows, rejections


def _parse(col: pl.Expr, kind: object, delivered: date) -> tuple[pl.Expr, pl.Expr]:
    """The typed value of a text column and its error (null when the cell is good), vectorised."""
    none = pl.lit(None, pl.String)
    if isinstance(kind, tuple):
        return col, pl.when(col.is_in(kind)).then(none).otherwise(pl.lit(f"取值应为 {'/'.join(kind)} 之一"))
    if kind == "id":  # the one definition of a valid ID number, on the whole column
        return col.str.to_uppercase(), idnumber.problem(col)
    if kind == "text":
        return col, pl.when(col.str.len_chars() > 200).then(pl.lit("文本过长（超过 200 字）")).otherwise(none)
    if kind in ("date", "month"):
        if kind == "date":
            value = col.str.to_date("%Y-%m-%d", strict=False)
            shape = "日期格式应为 YYYY-MM-DD"
        else:
            value = pl.when(col.str.contains(r"^\d{4}-\d{2}$")).then(col + "-01").str.to_date("%Y-%m-%d", strict=False)
            shape = "月份格式应为 YYYY-MM"
        error = (
            pl.when(value.is_null()).then(pl.lit(shape))
            .when(value.dt.year() < 1900).then(pl.lit("日期早于 1900 年"))
            .when(value > pl.lit(delivered)).then(pl.lit(f"日期晚于交付日期 {delivered:%Y-%m-%d}"))
            .otherwise(none)
        )  # fmt: skip
        return value, error
    if kind == "money":
        ok = col.str.contains(r"^\d{1,13}(\.\d{1,2})?$")
        whole = col.str.split(".").list.get(0, null_on_oob=True).cast(pl.Int64, strict=False)
        cents = col.str.split(".").list.get(1, null_on_oob=True).fill_null("0").str.pad_end(2, "0")
        fen = whole * 100 + cents.cast(pl.Int64, strict=False)
        value = pl.when(ok).then(fen)
        error = (
            pl.when(~ok).then(pl.lit("金额应为元，最多两位小数，不能为负"))
            .when(fen > MAX_MONEY_FEN).then(pl.lit("金额超出合理范围"))
            .otherwise(none)
        )  # fmt: skip
        return value, error
    if kind in ("grade", "year"):
        low, high, message = (1, 4, "残疾等级应为 1 至 4") if kind == "grade" else (1990, 2100, "年份应为四位数")
        number = col.cast(pl.Int32, strict=False)
        return number, pl.when(number.is_between(low, high)).then(none).otherwise(pl.lit(message))
    if kind == "bool":
        lowered = col.str.to_lowercase()
        value = pl.when(lowered.is_in(_TRUE)).then(True).when(lowered.is_in(_FALSE)).then(False)
        return value, pl.when(value.is_null()).then(pl.lit("应为 是/否（1/0）")).otherwise(none)
    raise ValueError(kind)


def read_delivery(path: Path, item_code: str, delivered: date) -> Delivery:
    """Read and validate one delivery file; FeedError when it cannot be read at all."""
    if item_code not in ITEMS:
        raise FeedError(f"未知的数据项 {item_code}：应为 {', '.join(ITEMS)} 之一")
    if not path.is_file():
        raise FeedError(f"找不到文件 {path}")
    item = ITEMS[item_code]
    table, first_row = read_table(path)
    rows, rejections = validate(item, table, first_row, path.name, delivered)
    return Delivery(item, delivered, sha256_of(path), rows, rejections)


def partition_dir(store: Path, item: Item, delivered: date) -> Path:
    return store / f"department={item.department}" / f"item={item.code}" / f"delivery={delivered:%Y-%m-%d}"


def write_delivery(store: Path, delivery: Delivery) -> tuple[Path, bool]:
    """Write the good rows into the store, and the rejection report beside it, and bring the
    month's facts the screening reads up to date (``month_facts.after_delivery``). Returns the
    part's path and whether it was already there (the same delivery imported again changes
    nothing)."""
    target = partition_dir(store, delivery.item, delivery.delivered) / delivery.part_name
    existed = target.exists()
    if existed:  # the part is named by the file's content: the same file, already in the store
        return target, True
    rows = in_store_order(delivery.item, delivery.rows)
    atomic_write(target, lambda p: rows.write_parquet(p, statistics=True, metadata=_order_note(delivery.item)))
    if delivery.rejections.height:
        report = rejection_path(store, delivery)
        atomic_write(report, lambda p: delivery.rejections.write_csv(p))
    from safetynet.batch import month_facts  # it reads the store through this module

    month_facts.after_delivery(store, delivery.item.code, delivery.delivered)
    return target, existed


def rejection_path(store: Path, delivery: Delivery) -> Path:
    return store / "_rejections" / delivery.item.code / f"{delivery.delivered:%Y-%m-%d}-{delivery.sha256[:16]}.csv"


def atomic_write(target: Path, write) -> None:
    """Write beside the target and rename: a reader never sees half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_item(store: Path, item_code: str, delivered: date, rows: pl.DataFrame, part: str = "part-0") -> Path:
    """Write already-typed rows of an item as one delivery (the synthetic city's generator)."""
    item = ITEMS[item_code]
    target = partition_dir(store, item, delivered) / f"{part}.parquet"
    frame = rows.with_columns(_keys(item)).select(list(store_schema(item))).cast(store_schema(item))
    frame = in_store_order(item, frame)
    atomic_write(target, lambda p: frame.write_parquet(p, statistics=True, metadata=_order_note(item)))
    return target


def in_store_order(item: Item, rows: pl.DataFrame) -> pl.DataFrame:
    """Every file of the store is in ``person_key`` order (the register: as delivered, household
    by household), which ``scan_item`` declares, so that summing up per person needs no hashing."""
    return rows if item.kind == "register" else rows.sort("person_key", maintain_order=True)


ORDER_NOTE = "safetynet_order"


def _order_note(item: Item) -> dict[str, str]:
    """Written into each file, so that a reader trusts the order only of files it wrote so."""
    return {} if item.kind == "register" else {ORDER_NOTE: "person_key"}


def delivery_files(store: Path, item_code: str, as_of: date) -> list[Path]:
    """The files of an item a read on ``as_of`` takes, in the order read: every delivery on or
    before that day (only the latest for a register), each delivery's parts by name."""
    item = ITEMS[item_code]
    base = store / f"department={item.department}" / f"item={item.code}"
    try:
        names = os.listdir(base)
    except OSError:  # no delivery of the item yet
        return []
    deliveries = sorted(
        d for d in (n.removeprefix("delivery=") for n in names if n.startswith("delivery=")) if d <= f"{as_of:%Y-%m-%d}"
    )
    if item.kind == "register":
        deliveries = deliveries[-1:]
    return [f for d in deliveries for f in sorted((base / f"delivery={d}").glob("*.parquet"))]


def scan_item(store: Path, item_code: str, as_of: date) -> pl.LazyFrame:
    """The rows of an item known on ``as_of``, one version of each: the latest register; events
    deduplicated; a monthly key's (a person's month) and a snapshot key's (an institution's
    statement) latest delivery."""
    item = ITEMS[item_code]
    schema = store_schema(item)
    files = [str(f) for f in delivery_files(store, item_code, as_of)]
    if not files:
        return pl.LazyFrame(schema=schema)
    deliveries = sorted({Path(f).parent.name for f in files})
    frames = [
        pl.scan_parquet(f, schema=schema).with_columns(pl.lit(date.fromisoformat(Path(f).parent.name[9:])).alias("_d"))
        for f in files
    ]
    rows = pl.concat(frames, how="vertical")
    if len(files) == 1 and pl.read_parquet_metadata(files[0]).get(ORDER_NOTE) == "person_key":
        rows = rows.with_columns(pl.col("person_key").set_sorted())  # written so (``in_store_order``)
    if len(deliveries) == 1:
        return rows.drop("_d")
    if item.kind in ("monthly", "snapshot"):
        # a key's rows come from the latest delivery that has it (all of them: two employers'
        # wages for one month are two rows of one delivery; a bank's statement, all its accounts)
        key = ["person_key" if k == "id_number" else k for k in item.key]
        return rows.filter(pl.col("_d") == pl.col("_d").max().over(key)).drop("_d")
    return rows.drop("_d").unique(maintain_order=True)


def as_delivery(item_code: str, rows: pl.DataFrame) -> pl.DataFrame:
    """Typed store rows back in the delivery format (text cells, yuan, ISO dates): what a
    department would send, for the demo and for tests of the importer."""
    item = ITEMS[item_code]
    out = []
    for name, kind in item.columns.items():
        col = pl.col(name.rstrip("?"))
        if kind == "money":
            out.append(fmt_expr(col))
        elif kind == "month":
            out.append(col.dt.strftime("%Y-%m"))
        elif kind == "date":
            out.append(col.dt.strftime("%Y-%m-%d"))
        elif kind == "bool":
            out.append(pl.when(col).then(pl.lit("是")).otherwise(pl.lit("否")))
        else:
            out.append(col.cast(pl.String))
    return rows.select(e.alias(n.rstrip("?")) for e, n in zip(out, item.columns, strict=True))


def read_store_item(store: Path, item_code: str, delivered: date) -> pl.DataFrame:
    """Every row of one item's delivery in the store."""
    files = sorted(partition_dir(store, ITEMS[item_code], delivered).glob("*.parquet"))
    schema = store_schema(ITEMS[item_code])
    return pl.concat([pl.read_parquet(f) for f in files]) if files else pl.DataFrame(schema=schema)
