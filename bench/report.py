#!/usr/bin/python3
"""Turns the raw measurements (ops.csv, memory.csv) into the results table, results.csv and the
data files the chart is drawn from.

    report.py DIR    reads DIR/ops.csv and DIR/memory.csv; writes DIR/results.csv,
                     DIR/results.txt, DIR/ratio.dat, DIR/speedup.dat; prints the table
"""
import csv
import os
import sys

BACKENDS = ["sqlite-memory", "sqlite-file", "postgresql", "mariadb"]
OPS = ["add", "add_many", "get", "list", "update_many", "update_many_fields", "upsert_many",
       "delete_many", "count", "page"]
# Athanor/raw targets from issue 8 (other operations are measured, without a target)
TARGETS = {
    "sqlite-memory": {"add_many": 0.90, "get": 0.80, "list": 0.85},
    "postgresql": {"add_many": 0.90, "get": 0.85, "list": 0.90},
    "mariadb": {"add_many": 0.90, "get": 0.85, "list": 0.90},
}
SPEEDUP_TARGET = 20.0


def paired(a, b):
    """Median over repetitions of b's time / a's time (the runs of one repetition ran back to
    back); the ratio of the medians when the times are not recorded."""
    sa = [float(x) for x in (a.get("secs") or "").split(";") if x]
    sb = [float(x) for x in (b.get("secs") or "").split(";") if x]
    n = min(len(sa), len(sb))
    if n == 0:
        return float(a["median_per_s"]) / float(b["median_per_s"])
    q = sorted(sb[k] / sa[k] for k in range(n))
    return q[n // 2] if n % 2 else (q[n // 2 - 1] + q[n // 2]) / 2


def rate(x):
    if x is None:
        return "-"
    if x >= 1e6:
        return "%.2fM" % (x / 1e6)
    if x >= 1e3:
        return "%.1fk" % (x / 1e3)
    return "%.0f" % x


def main(d):
    rows = list(csv.DictReader(open(os.path.join(d, "ops.csv"))))
    by = {}
    for r in rows:
        by.setdefault((r["backend"], r["op"]), []).append(r)
    results = []
    for b in BACKENDS:
        for op in OPS:
            rs = by.get((b, op))
            if not rs:
                continue
            ath = next((r for r in rs if r["side"] == "athanor"), None)
            raws = [r for r in rs if r["side"] == "raw"]
            best = max(raws, key=lambda r: float(r["median_per_s"])) if raws else None
            sa = next((r for r in rs if r["side"] == "sqlalchemy"), None)
            dbi = next((r for r in rs if r["side"] == "libdbi"), None)
            a = float(ath["median_per_s"]) if ath else None
            raw = float(best["median_per_s"]) if best else None
            s = float(sa["median_per_s"]) if sa else None
            ratio = paired(ath, best) if ath and best else None
            target = TARGETS.get(b, {}).get(op)
            speedup = a / s if a and s else None
            results.append(dict(
                backend=b, op=op, unit=(ath or rs[0])["unit"], n=ath["n"] if ath else "",
                athanor_per_s=a, raw_per_s=raw, raw_method=best["method"] if best else "",
                ratio=ratio, target=target,
                target_met="" if target is None or ratio is None else
                ("yes" if ratio >= target else "no"),
                sqlalchemy_per_s=s, sqlalchemy_n=sa["n"] if sa else "",
                libdbi_per_s=float(dbi["median_per_s"]) if dbi else None,
                speedup_vs_sqlalchemy=speedup,
                speedup_met="" if speedup is None else
                ("yes" if speedup >= SPEEDUP_TARGET else "no"),
                raw_methods=" ".join("%s=%s" % (r["method"], rate(float(r["median_per_s"])))
                                     for r in raws)))
    fields = ["backend", "op", "unit", "n", "athanor_per_s", "raw_per_s", "raw_method", "ratio",
              "target", "target_met", "sqlalchemy_per_s", "sqlalchemy_n", "libdbi_per_s",
              "speedup_vs_sqlalchemy", "speedup_met", "raw_methods"]
    with open(os.path.join(d, "results.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        for r in results:
            w.writerow({k: ("%.4g" % v if isinstance(v, float) else v) for k, v in r.items()})

    lines = []
    head = "%-13s %-12s %7s %-5s %10s %10s %6s %7s %10s %10s %8s  %s" % (
        "backend", "operation", "n", "unit", "athanor/s", "raw/s", "ratio", "target",
        "sqlalch./s", "libdbi/s", "vs SQLA", "raw method")
    lines.append(head)
    lines.append("-" * len(head))
    for r in results:
        t = "-" if r["target"] is None else "%.2f%s" % (r["target"],
                                                          "" if r["target_met"] == "yes" else "!")
        sp = "-" if r["speedup_vs_sqlalchemy"] is None else "%.0fx%s" % (
            r["speedup_vs_sqlalchemy"], "" if r["speedup_met"] == "yes" else "!")
        lines.append("%-13s %-12s %7s %-5s %10s %10s %6s %7s %10s %10s %8s  %s" % (
            r["backend"], r["op"], r["n"], r["unit"], rate(r["athanor_per_s"]),
            rate(r["raw_per_s"]), "-" if r["ratio"] is None else "%.2f" % r["ratio"], t,
            rate(r["sqlalchemy_per_s"]), rate(r["libdbi_per_s"]), sp, r["raw_method"]))
    lines.append("")
    lines.append("ratio = Athanor/raw against the fastest raw method, the median of back-to-back "
                 "pairs; target: issue 8 (! = missed);")
    lines.append("vs SQLA = Athanor/SQLAlchemy ORM (target 20x). SQLite: CPU time of the process; "
                 "servers: wall clock.")
    lines.append("SQLAlchemy runs 1/10 of the rows for add, get, update_many, upsert_many, count "
                 "and page (rates compare, totals do not).")
    mem_path = os.path.join(d, "memory.csv")
    if os.path.exists(mem_path):
        lines.append("")
        lines.append("peak resident memory of one list of every row (fresh process each):")
        mem = {}
        for r in csv.DictReader(open(mem_path)):
            mem.setdefault(r["backend"], {})[r["side"]] = r
        for b in BACKENDS:
            if b not in mem:
                continue
            m = mem[b]
            anyrow = next(iter(m.values()))
            data = int(anyrow["data_bytes"])
            parts = ["%s %.1f MB (%.2fx)" % (side, int(m[side]["peak_bytes"]) / 1e6,
                                             int(m[side]["peak_bytes"]) / data)
                     for side in ("athanor", "raw") if side in m]
            lines.append("  %-13s %s rows, data %.1f MB: %s" % (
                b, anyrow["rows"], data / 1e6, ", ".join(parts)))
    text = "\n".join(lines) + "\n"
    open(os.path.join(d, "results.txt"), "w").write(text)
    sys.stdout.write(text)

    # chart data: one block per backend, x = operation index + offset
    present = [b for b in BACKENDS if any(r["backend"] == b for r in results)]
    width = 0.8 / max(1, len(present))
    with open(os.path.join(d, "ratio.dat"), "w") as f, \
            open(os.path.join(d, "speedup.dat"), "w") as g:
        for j, b in enumerate(present):
            f.write("# %s\n" % b)
            g.write("# %s\n" % b)
            for i, op in enumerate(OPS):
                r = next((r for r in results if r["backend"] == b and r["op"] == op), None)
                if not r:
                    continue
                x = i + (j - (len(present) - 1) / 2) * width
                t = r["target"]
                f.write("%.3f %s %s %.3f \"%s\"\n" % (
                    x, "nan" if r["ratio"] is None else "%.4f" % r["ratio"],
                    "nan" if t is None else "%.2f" % t, width / 2, op))
                s = r["speedup_vs_sqlalchemy"]
                g.write("%.3f %s\n" % (x, "nan" if s is None or s <= 0 else "%.2f" % s))
            f.write("\n\n")
            g.write("\n\n")
    with open(os.path.join(d, "chart.labels"), "w") as f:
        f.write("set xtics (%s)\n" % ", ".join('"%s" %d' % (op, i) for i, op in enumerate(OPS)))
        f.write("nbackends = %d\n" % len(present))
        for j, b in enumerate(present):
            f.write('backend%d = "%s"\n' % (j, b))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
