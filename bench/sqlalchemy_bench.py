#!/usr/bin/python3
"""The benchmark's operations through SQLAlchemy's ORM (a Session and a mapped class).

    sqlalchemy_bench.py [--reps N] [--scale F] [--label NAME] [--out DIR] URL

URL is an Athanor URL (sqlite:///:memory:, postgresql://u:p@h:port/db, mysql://...); the
program uses SQLAlchemy's own drivers for it (sqlite3, psycopg2, MySQLdb). It makes its own
tables, with the types Athanor's DDL uses, and appends the median rows (or calls) per second of
each operation to DIR/ops.csv, with the number of rows it ran (smaller than the C programs' where
the ORM would take minutes: rates are comparable, totals are not).
"""
import argparse
import csv
import datetime
import os
import random
import statistics
import sys
import time

import sqlalchemy
from sqlalchemy import (BigInteger, Column, DateTime, Float, Integer, String, delete, func,
                        select, text)
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

# BIGINT keys are not rowid aliases in SQLite: INTEGER there, as Athanor's DDL does
KEY = BigInteger().with_variant(Integer(), "sqlite")
WHEN = DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), "mysql")
DOUBLE = Float(precision=53).with_variant(mysql.DOUBLE(), "mysql")


class Item(Base):
    __tablename__ = "bench_item"
    id = Column(KEY, primary_key=True, autoincrement=True)
    name = Column(String(64), nullable=False)
    qty = Column(Integer, nullable=False, index=True)
    price = Column(DOUBLE, nullable=False)
    created = Column(WHEN, nullable=False)


class BaseRow(Base):
    __tablename__ = "bench_base"
    id = Column(KEY, primary_key=True, autoincrement=False)
    name = Column(String(64), nullable=False)
    qty = Column(Integer, nullable=False, index=True)
    price = Column(DOUBLE, nullable=False)
    created = Column(WHEN, nullable=False)


COLS = "id, name, qty, price, created"
WORDS = ["anvil", "bellows", "crucible", "distillate", "ember", "flux", "gold", "hearth",
         "incandescent", "jar", "kiln", "lead", "mercury", "nigredo", "ore", "philosophy",
         "quartz", "retort", "sulphur", "tincture"]
EPOCH = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)


def sqlalchemy_url(url):
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg2://" + url.split("://", 1)[1]
    if url.startswith("mysql://") or url.startswith("mariadb://"):
        rest = url.split("://", 1)[1]
        return "mysql+mysqldb://" + rest + ("&" if "?" in rest else "?") + "charset=utf8mb4"
    return url


def row(rng, prefix, i, id_=None):
    return dict(id=id_, name="%s-%07d-%s" % (prefix, i, rng.choice(WORDS)),
                qty=rng.randrange(1000), price=rng.randrange(100000) / 100.0,
                created=EPOCH + datetime.timedelta(microseconds=i * 1500000 + rng.randrange(10**6)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--label")
    ap.add_argument("--out")
    ap.add_argument("url")
    a = ap.parse_args()
    url = a.url
    kind = "sqlite" if url.startswith("sqlite") else "postgresql" if url.startswith("postgres") \
        else "mysql"
    label = a.label or (("sqlite-memory" if ":memory:" in url or url == "sqlite://"
                         else "sqlite-file") if kind == "sqlite" else
                        "postgresql" if kind == "postgresql" else "mariadb")

    def n(x):
        return max(10, int(x * a.scale))

    # the C programs' sizes, smaller where the ORM would take minutes per repetition
    base = n(100000)
    sizes = dict(add=n(2000), add_many=n(20000), get=n(2000), list=base, update_many=n(2000),
                 upsert_many=n(2000), delete_many=n(20000), count=n(200), page=n(200))

    engine = sqlalchemy.create_engine(sqlalchemy_url(url), future=True)
    if kind == "mysql":
        @sqlalchemy.event.listens_for(engine, "connect")
        def setup(dbapi_conn, _):  # the session Athanor's driver sets up
            cur = dbapi_conn.cursor()
            cur.execute("SET time_zone = '+00:00', tx_isolation = 'READ-COMMITTED'")
            cur.close()
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)

    rng = random.Random(20240101)
    base_rows = [row(rng, "item", i, i + 1) for i in range(base)]
    with engine.begin() as conn:
        conn.execute(BaseRow.__table__.insert(), base_rows)
    add_rows = [row(rng, "new", i) for i in range(sizes["add"])]
    many_rows = [row(rng, "bulk", i) for i in range(sizes["add_many"])]
    get_keys = rng.sample(range(1, base + 1), sizes["get"])
    update_rows = [row(rng, "changed", i, k) for i, k in
                   enumerate(rng.sample(range(1, base + 1), sizes["update_many"]))]
    existing = rng.sample(range(1, base + 1), sizes["upsert_many"])
    upsert_rows = [row(rng, "upserted", i, base + i if i % 2 else existing[i])
                   for i in range(sizes["upsert_many"])]
    delete_keys = rng.sample(range(1, base + 1), sizes["delete_many"])
    qtys = [rng.randrange(990) for _ in range(sizes["count"])]

    empty_sql = {"sqlite": "DELETE FROM bench_item",
                 "postgresql": "TRUNCATE bench_item RESTART IDENTITY",
                 "mysql": "TRUNCATE TABLE bench_item"}[kind]

    # the settled state athanor_bench leaves its tables in after a reset (see bench/run.c)
    settle_sql = {"sqlite": "PRAGMA wal_checkpoint(TRUNCATE)",
                  "postgresql": "VACUUM ANALYZE bench_item",
                  "mysql": "ANALYZE TABLE bench_item"}[kind]
    if kind == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("ALTER TABLE bench_item SET (autovacuum_enabled = off)"))

    def reset(fill):
        with engine.begin() as conn:
            conn.execute(text(empty_sql))
            if fill:
                conn.execute(text("INSERT INTO bench_item (%s) SELECT %s FROM bench_base"
                                  % (COLS, COLS)))
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(settle_sql))

    # --- operations: each takes a fresh Session and what it needs, runs, commits -------------
    def op_add(s, objs):
        for o in objs:
            s.add(o)
            s.flush()  # the key comes back now, as Athanor's add writes it into the struct
        s.commit()

    def op_add_many(s, objs):
        s.add_all(objs)
        s.commit()

    def op_get(s, _):
        for k in get_keys:
            s.get(Item, k).name
        s.commit()

    def op_list(s, _):
        s.execute(select(Item)).scalars().all()
        s.commit()

    def op_update_many(s, loaded):
        for o, r in zip(loaded, update_rows):
            o.name, o.qty, o.price, o.created = r["name"], r["qty"], r["price"], r["created"]
        s.commit()

    def op_upsert_many(s, objs):
        for o in objs:
            s.merge(o)
        s.commit()

    def op_delete_many(s, _):
        for i in range(0, len(delete_keys), 1000):
            s.execute(delete(Item).where(Item.id.in_(delete_keys[i:i + 1000]))
                      .execution_options(synchronize_session=False))
        s.commit()

    def op_count(s, _):
        for q in qtys:
            s.scalar(select(func.count()).select_from(Item)
                     .where(Item.qty >= q, Item.qty < q + 10))
        s.commit()

    def op_page(s, _):
        for q in qtys:
            s.execute(select(Item).where(Item.qty == q).order_by(Item.name, Item.id)
                      .limit(20).offset(20)).scalars().all()
        s.commit()

    # what each operation is given, prepared outside the timed region
    def objects(rows):
        return lambda s: [Item(**{k: v for k, v in r.items() if k != "id" or v is not None})
                          for r in rows]

    def loaded_for_update(s):
        ids = [r["id"] for r in update_rows]
        found = {}
        for i in range(0, len(ids), 1000):
            for o in s.execute(select(Item).where(Item.id.in_(ids[i:i + 1000]))).scalars():
                found[o.id] = o
        return [found[k] for k in ids]

    ops = [("add", "rows", False, op_add, objects(add_rows)),
           ("add_many", "rows", False, op_add_many, objects(many_rows)),
           ("get", "rows", True, op_get, None),
           ("list", "rows", True, op_list, None),
           ("update_many", "rows", True, op_update_many, loaded_for_update),
           ("upsert_many", "rows", True, op_upsert_many, objects(upsert_rows)),
           ("delete_many", "rows", True, op_delete_many, None),
           ("count", "calls", True, op_count, None),
           ("page", "calls", True, op_page, None)]

    # SQLite runs in this process: CPU time, as athanor_bench measures it; servers: wall clock
    clock = time.process_time if kind == "sqlite" else time.perf_counter
    out = None
    if a.out:
        path = os.path.join(a.out, "ops.csv")
        fresh = not os.path.exists(path) or os.path.getsize(path) == 0
        out = open(path, "a", newline="")
        w = csv.writer(out)
        if fresh:
            w.writerow(["backend", "op", "unit", "n", "side", "method", "median_per_s",
                        "min_per_s", "max_per_s", "reps", "clock", "secs"])
    print("%s through SQLAlchemy %s ORM, %d repetitions (median)"
          % (label, sqlalchemy.__version__, a.reps))
    for name, unit, fill, fn, prepare in ops:
        secs = []
        for _ in range(a.reps):
            reset(fill)
            with Session(engine) as s:
                given = prepare(s) if prepare else None
                t0 = clock()
                fn(s, given)
                secs.append(clock() - t0)
        count = sizes[name]
        med = statistics.median(secs)
        print("  %-12s %7d %-5s %10.1f/s" % (name, count, unit, count / med))
        if out:
            csv.writer(out).writerow([label, name, unit, count, "sqlalchemy", "orm",
                                      "%.1f" % (count / med), "%.1f" % (count / max(secs)),
                                      "%.1f" % (count / min(secs)), a.reps,
                                      "cpu" if kind == "sqlite" else "wall", ""])
            out.flush()
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
