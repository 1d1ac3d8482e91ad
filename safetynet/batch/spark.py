"""The population screening on Apache Spark: the same findings as ``screen.screen_store``.

Spark does what a cluster is for: it reads the feed store, picks the deliveries, shuffles and
joins. Every rule stays in Polars, in ``facts.py`` and ``screen.py``, and runs inside the
partitions through ``DataFrame.mapInArrow``. That keeps one definition of the law. Step by step:

1. Spark lists the store (``department=…/item=…/delivery=YYYY-MM-DD/*.parquet``) and picks the
   deliveries exactly as ``feeds.scan_item`` does for ``facts.as_of(month)``: the latest register
   delivery; from several deliveries, each monthly or snapshot key's rows from the latest
   delivery holding it, and one copy of each event.
2. Each item is repartitioned by ``person_key`` (so all of a person's rows are in one
   partition), and ``facts.item_facts`` runs on each partition. Spark left-joins the facts onto
   the register (``facts.register_frame``, run per partition) and fills the empty values from
   ``facts.FACT_COLUMNS``, as ``facts.join_facts`` does.
3. ``screen.relatives`` (one person in, up to five pairs out) and ``screen.relative_facts`` run
   per partition. Spark joins each pair to its relative's facts (``screen.pair_facts``), and
   ``screen.link_flags`` runs per partition. The flags are repartitioned by ``person_key`` and
   folded per person by ``screen.link_summary``. Spark joins the fold onto the persons and fills
   ``able_obligor`` (``screen.with_links``).
4. The persons are repartitioned by ``household_no``, and ``screen.screen_persons`` runs on each
   partition's whole households. The driver collects the findings (a few per thousand residents)
   and sorts them like the local engine.

Order matters to the rules. ``screen_persons`` takes a household's members in the order they come
(the register's), and a household's area and the official named in the evidence depend on it.
Where ``item_facts`` takes a person's last record, a tie falls to the order read. So every row
carries where ``scan_item`` reads it (``READ_ORDER``: the file's place, the row's in its file),
and each partition is sorted by it before Polars sees it.

The Spark schemas come from the Polars code itself. Each function that runs in the partitions
is run once on empty frames to get its schema, and the joins' schemas follow from their
contracts; ``spark_schema`` maps the Polars types to Spark's.

Running on a cluster
--------------------
Every executor needs the package and its native dependencies (Polars, PyArrow) installed, so a
zip sent with ``--py-files`` is not enough. The policy reads its parameters and areas from YAML
files that sit beside the modules. Build a wheel (``pip wheel --no-deps . -w dist``) and install
it with the ``spark`` extra into a virtual environment. Pack that environment (``venv-pack -o
env.tar.gz``) and ship it with the job, or bake ``pip install 'safetynet[spark]'`` into the
executor image. The feed store must be readable from every executor under one URI: HDFS
(``hdfs:///safetynet/store``), S3 (``s3a://bucket/store``) or a shared file system mounted at
the same path on every node. A job script::

    # screen_job.py
    from datetime import date
    from pyspark.sql import SparkSession
    from safetynet.batch.spark import screen_spark

    spark = SparkSession.builder.appName("safetynet-screen").getOrCreate()
    findings = screen_spark(spark, "hdfs:///safetynet/store", date(2026, 11, 1))
    findings.write_parquet("findings-2026-11.parquet")

submitted with::

    spark-submit --master yarn --deploy-mode client \\
        --archives env.tar.gz#env \\
        --conf spark.pyspark.python=./env/bin/python \\
        --conf spark.pyspark.driver.python=env/bin/python \\
        --conf spark.sql.shuffle.partitions=400 \\
        screen_job.py

``spark.sql.shuffle.partitions`` sets how many partitions each repartition makes. Each partition
is one Polars frame in one Python worker's memory, so scale it with the population (a few
hundred thousand residents per partition is comfortable). ``local_spark`` builds a small
session on one machine for the tests.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import sys
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from pathlib import Path

import polars as pl
import pyarrow as pa
from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql import types as T

from safetynet.batch import facts, screen
from safetynet.batch.feed_items import ITEMS
from safetynet.batch.feeds import store_schema

REGISTER_ITEM = "household_registration"
# The local engine's final order (``screen.screen_persons`` sorts its findings so).
FINDING_ORDER = ("kind", "household_no", "id_number")
_PART = re.compile(r"/department=([^/]+)/item=([^/]+)/delivery=([^/]+)/[^/]+\.parquet$")

_SPARK_TYPES: dict[type[pl.DataType], T.DataType] = {
    pl.Boolean: T.BooleanType(),
    pl.Int8: T.ByteType(),
    pl.Int16: T.ShortType(),
    pl.Int32: T.IntegerType(),
    pl.Int64: T.LongType(),
    pl.Float32: T.FloatType(),
    pl.Float64: T.DoubleType(),
    pl.String: T.StringType(),
    pl.Date: T.DateType(),
}
_ARROW_TYPES: dict[type[pl.DataType], pa.DataType] = {
    pl.Boolean: pa.bool_(),
    pl.Int8: pa.int8(),
    pl.Int16: pa.int16(),
    pl.Int32: pa.int32(),
    pl.Int64: pa.int64(),
    pl.Float32: pa.float32(),
    pl.Float64: pa.float64(),
    pl.String: pa.string(),
    pl.Date: pa.date32(),
}


def spark_type(dtype: pl.DataType) -> T.DataType:
    """The Spark type of a Polars dtype (the ones the feeds and the screening use)."""
    try:
        return _SPARK_TYPES[dtype.base_type()]
    except KeyError:
        raise TypeError(f"no Spark type for the Polars dtype {dtype}") from None


def spark_schema(schema: Mapping[str, pl.DataType]) -> T.StructType:
    """The Spark schema of a Polars schema, column for column (every column nullable)."""
    return T.StructType([T.StructField(name, spark_type(dtype), nullable=True) for name, dtype in schema.items()])


def arrow_schema(schema: Mapping[str, pl.DataType], large_strings: bool = False) -> pa.Schema:
    """The Arrow schema Spark expects back from ``mapInArrow`` for a Polars schema."""
    fields = []
    for name, dtype in schema.items():
        if dtype.base_type() not in _ARROW_TYPES:
            raise TypeError(f"no Arrow type for the Polars dtype {dtype}")
        kind = _ARROW_TYPES[dtype.base_type()]
        fields.append(pa.field(name, pa.large_string() if kind == pa.string() and large_strings else kind))
    return pa.schema(fields)


def local_spark(cores: int = 2) -> SparkSession:
    """A local-mode session for tests and one machine: no UI, no network, small shuffles."""
    if not os.environ.get("JAVA_HOME") and (java := shutil.which("java")):
        os.environ["JAVA_HOME"] = str(Path(java).resolve().parent.parent)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    # the Python workers run this interpreter (PySpark reads only the variable in local mode)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("safetynet-screen")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.memory", "1g")
        .config("spark.sql.shuffle.partitions", str(2 * cores))
        .config("spark.default.parallelism", str(2 * cores))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


# Stage by stage, what runs inside a partition: plain Polars functions of one frame.


def _item_facts(rows: pl.DataFrame, code: str, month: date) -> pl.DataFrame:
    return facts.item_facts(code, rows.lazy(), month).collect()


def _register(rows: pl.DataFrame) -> pl.DataFrame:
    """The register's columns, each row keeping where it was read (``register_frame`` is row-wise)."""
    return facts.register_frame(rows.lazy()).collect().hstack(rows.select(list(READ_ORDER)))


def _relatives(persons: pl.DataFrame) -> pl.DataFrame:
    return screen.relatives(persons.lazy()).collect()


def _relative_facts(persons: pl.DataFrame, month: date) -> pl.DataFrame:
    return screen.relative_facts(persons.lazy(), month).collect()


def _link_flags(pairs: pl.DataFrame, month: date) -> pl.DataFrame:
    return screen.link_flags(screen.outsiders_born(pairs.lazy()), month).collect()


def _link_summary(flags: pl.DataFrame) -> pl.DataFrame:
    return screen.link_summary(flags.lazy()).collect()


def _screen(persons: pl.DataFrame, month: date) -> pl.DataFrame:
    return screen.screen_persons(persons, month)


class _Schemas:
    """The Polars schema of every stage. The functions that run in the partitions tell their own
    (run on empty frames); the joins Spark does give the columns their contracts name: the
    register with ``facts.FACT_COLUMNS``, a pair with its relative's facts, a person with the
    fold of their links."""

    def __init__(self, month: date):
        def empty(schema: Mapping[str, pl.DataType]) -> pl.LazyFrame:
            return pl.LazyFrame(schema=schema)

        self.store = {code: store_schema(item) for code, item in ITEMS.items()}
        self.facts = {
            code: facts.item_facts(code, empty(self.store[code]), month).collect_schema() for code in facts.ITEM_FACTS
        }
        self.register = facts.register_frame(empty(self.store[REGISTER_ITEM])).collect_schema()
        self.persons = pl.Schema({**self.register, **{name: dtype for name, (dtype, _) in facts.FACT_COLUMNS.items()}})
        self.pairs = screen.relatives(empty(self.persons)).collect_schema()
        self.relative_facts = screen.relative_facts(empty(self.persons), month).collect_schema()
        self.pair_facts = pl.Schema({**self.pairs, **self.relative_facts})
        self.flags = screen.link_flags(empty(self.pair_facts), month).collect_schema()
        self.summary = screen.link_summary(empty(self.flags)).collect_schema()
        self.linked = pl.Schema({**self.persons, **self.summary})
        self.findings = pl.Schema(screen.FINDING_SCHEMA)


def _in_partition(
    fn: Callable[[pl.DataFrame], pl.DataFrame],
    source: Mapping[str, pl.DataType],
    result: Mapping[str, pl.DataType],
    large_strings: bool,
) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """A ``mapInArrow`` function: the partition's batches as one Polars frame (typed as the
    local engine types it), ``fn`` over it, the result as Arrow batches of Spark's schema."""
    target = arrow_schema(result, large_strings)
    return functools.partial(_run_partition, fn, dict(source), list(result), target)


def _run_partition(
    fn: Callable[[pl.DataFrame], pl.DataFrame],
    source: dict[str, pl.DataType],
    columns: list[str],
    target: pa.Schema,
    batches: Iterator[pa.RecordBatch],
) -> Iterator[pa.RecordBatch]:
    batches = [b for b in batches if b.num_rows]
    if not batches:
        return
    frame = pl.from_arrow(pa.Table.from_batches(batches))
    frame = frame.select(list(source)).cast(source)
    out = fn(frame).select(columns).to_arrow(compat_level=pl.CompatLevel.oldest()).cast(target)
    yield from out.to_batches()


Listing = dict[tuple[str, str], dict[str, list[str]]]
# The order ``feeds.scan_item`` reads rows in: the file's place among the files read, the row's in
# its file. Spark carries it beside each item's and each person's row, and sorts every partition
# by it before the Polars rules see the rows, so that they see them in the local engine's order.
READ_ORDER = {"_file": pl.Int32, "_row": pl.Int64}


def list_deliveries(spark: SparkSession, store: str) -> Listing:
    """(department, item) -> delivery date -> its Parquet files, as Spark lists the store.

    Spark lists the files (any file system it can read), not their contents. A delivery
    directory with no Parquet file in it is not seen (``feeds.scan_item`` would count it).
    """
    try:
        files = (
            spark.read.format("binaryFile")
            .option("recursiveFileLookup", "true")
            .option("pathGlobFilter", "*.parquet")
            .load(store)
            .inputFiles()
        )
    except Exception as exc:  # no store yet: no item has a delivery
        if "PATH_NOT_FOUND" in str(exc):
            return {}
        raise
    found: Listing = {}
    for file in files:
        if m := _PART.search(file):
            department, item, delivered = m.groups()
            found.setdefault((department, item), {}).setdefault(delivered, []).append(file)
    return found


def read_item(spark: SparkSession, listing: Listing, code: str, as_of: date) -> DataFrame:
    """The rows of an item known on ``as_of``, one version of each, as ``feeds.scan_item`` picks
    them: the latest register delivery; from several deliveries, a monthly or snapshot key's
    rows from the latest delivery holding it and the events deduplicated. Each row also carries
    ``READ_ORDER``: where ``scan_item`` reads it (files by delivery, then by name)."""
    item = ITEMS[code]
    store = store_schema(item)
    by_delivery = listing.get((item.department, item.code), {})
    chosen = sorted(d for d in by_delivery if d <= f"{as_of:%Y-%m-%d}")
    if not chosen:
        return spark.createDataFrame([], spark_schema({**store, **READ_ORDER}))
    if item.kind == "register":
        chosen = chosen[-1:]
    files = [f for d in chosen for f in sorted(by_delivery[d])]
    # a file is named by its last two parts (delivery=…/part-….parquet) among the item's files
    place = F.create_map(*(x for i, f in enumerate(files) for x in (F.lit(_tail(f)), F.lit(i))))
    tail = F.regexp_extract(F.col("_metadata.file_path"), r"([^/]+/[^/]+)$", 1)
    rows = (
        spark.read.schema(spark_schema(store))
        .option("datetimeRebaseMode", "CORRECTED")
        .parquet(*files)
        .select("*", place[tail].cast("int").alias("_file"), F.col("_metadata.row_index").alias("_row"))
    )
    if len(chosen) == 1:
        return rows
    if item.kind in ("monthly", "snapshot"):
        # every row of the latest delivery that has the key
        key = ["person_key" if k == "id_number" else k for k in item.key]
        delivery = F.create_map(*(x for d in chosen for f in by_delivery[d] for x in (F.lit(_tail(f)), F.lit(d))))
        rows = rows.withColumn("_delivery", delivery[tail])
        rows = rows.withColumn("_latest", F.max("_delivery").over(Window.partitionBy(*key)))
        return rows.where(F.col("_delivery") == F.col("_latest")).drop("_delivery", "_latest")
    # events: one of each row (read where its first copy is)
    first = F.min(F.struct("_file", "_row")).alias("_at")
    return rows.groupBy(*store).agg(first).select(*store, "_at._file", "_at._row")


def _tail(path: str) -> str:
    return "/".join(path.rsplit("/", 2)[-2:])


class _Job:
    """One screening run: the session, the month, the schemas, the partition count."""

    def __init__(self, spark: SparkSession, store: str, month: date):
        self.spark = spark
        self.store = store.rstrip("/")
        self.month = month
        self.schemas = _Schemas(month)
        self.partitions = int(spark.conf.get("spark.sql.shuffle.partitions"))
        self.large_strings = spark.conf.get("spark.sql.execution.arrow.useLargeVarTypes", "false").lower() == "true"

    def map(
        self,
        frame: DataFrame,
        fn: Callable[[pl.DataFrame], pl.DataFrame],
        source: Mapping[str, pl.DataType],
        result: Mapping[str, pl.DataType],
    ) -> DataFrame:
        """``fn`` on each partition of ``frame`` as it is partitioned."""
        return frame.mapInArrow(_in_partition(fn, source, result, self.large_strings), spark_schema(result))

    def by(self, column: str, frame: DataFrame) -> DataFrame:
        """``frame`` hash-partitioned on ``column`` (all rows of one value in one partition), each
        partition in the order the local engine reads the rows."""
        return frame.repartition(self.partitions, column).sortWithinPartitions(*READ_ORDER)

    # Stage 1: the deliveries, the facts, the register.

    def persons(self) -> DataFrame:
        """Stage 1: the register with every item's facts, the empty values filled in."""
        s = self.schemas
        listing = list_deliveries(self.spark, self.store)
        cutoff = facts.as_of(self.month)
        register = read_item(self.spark, listing, REGISTER_ITEM, cutoff)
        out = self.map(register, _register, {**s.store[REGISTER_ITEM], **READ_ORDER}, {**s.register, **READ_ORDER})
        for code in facts.ITEM_FACTS:
            rows = self.by("person_key", read_item(self.spark, listing, code, cutoff))
            fn = functools.partial(_item_facts, code=code, month=self.month)
            out = out.join(self.map(rows, fn, s.store[code], s.facts[code]), "person_key", "left")
        filled = []
        for name in out.columns:
            dtype, empty = facts.FACT_COLUMNS.get(name, (None, None))
            if empty is None:
                filled.append(F.col(name))
            else:
                filled.append(F.coalesce(F.col(name), F.lit(empty).cast(spark_type(dtype))).alias(name))
        return out.select(*filled).select(*s.persons.names(), *READ_ORDER)

    # Stage 2: the relatives.

    def linked(self, persons: DataFrame) -> DataFrame:
        """Stage 2: each person with ``screen.LINK_COLUMNS``, as ``screen.with_links`` gives them."""
        s = self.schemas
        pairs = self.map(persons, _relatives, s.persons, s.pairs)
        relatives = self.map(persons, functools.partial(_relative_facts, month=self.month), s.persons, s.relative_facts)
        pair_facts = pairs.join(relatives, "other_key", "left").select(*s.pair_facts.names())
        flags = self.map(pair_facts, functools.partial(_link_flags, month=self.month), s.pair_facts, s.flags)
        summary = self.map(flags.repartition(self.partitions, "person_key"), _link_summary, s.flags, s.summary)
        linked = persons.join(summary, "person_key", "left").withColumn(
            "able_obligor", F.coalesce(F.col("able_obligor"), F.lit(False))
        )
        return linked.select(*s.linked.names(), *READ_ORDER)

    # Stage 3: the households.

    def findings(self, linked: DataFrame) -> DataFrame:
        """Stage 3: ``screen.screen_persons`` on each partition's whole households, their members
        in the register's order."""
        fn = functools.partial(_screen, month=self.month)
        return self.map(self.by("household_no", linked), fn, self.schemas.linked, self.schemas.findings)


def screen_spark(spark: SparkSession, store: Path | str, month: date) -> pl.DataFrame:
    """The findings of ``screen.screen_store(store, month)``, computed on Spark.

    ``store`` is the feed store's root: a local path, or a URI every executor can read
    (``hdfs://…``, ``s3a://…``). The result is collected to the driver and sorted like the local
    engine's.
    """
    job = _Job(spark, str(store), month)
    persons = job.persons().persist()
    try:
        table = job.findings(job.linked(persons)).toArrow()
    finally:
        persons.unpersist()
    return pl.DataFrame(table).select(list(screen.FINDING_SCHEMA)).cast(screen.FINDING_SCHEMA).sort(*FINDING_ORDER)
