"""Load benchmark: the generated 1M-person / 10M-transfer portfolio into the embedded store.

    .venv/bin/python benchmarks/bench_load.py [--size 100000] [--format parquet] [--write-docs]

Measures, in one run and on the same files:
- ``clawback load`` (read, validate, build, diff, write), as a separate process: wall time,
  rows per second over all tables, and peak RSS;
- the floor: the same tables read from disk and bulk-copied into an empty LadybugDB with the
  same schema and no validation at all, so the ratio shows what validation and provenance cost.

With ``--write-docs`` the figures replace the load section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from docs_section import write_section  # benchmarks/ is the script's folder

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench-data"


def generate(size: int, fmt: str) -> Path:
    out = DATA / f"portfolio-{size}-{fmt}"
    if (out / "labels.csv").exists():
        return out
    from clawback.demo.generator import generate_portfolio

    t0 = time.perf_counter()
    generate_portfolio(out, size=size, seed=7, fmt=fmt)
    print(f"generated {out} in {time.perf_counter() - t0:.1f} s", flush=True)
    return out


def clawback_load(directory: Path, store: Path) -> dict:
    report = store.parent / "report.json"
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "clawback.cli", "load", str(directory), "--store", str(store),
         "--report", str(report)],
        capture_output=True, text=True,
    )
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"clawback load failed:\n{proc.stderr}")
    rss_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    data = json.loads(report.read_text(encoding="utf-8"))
    rows = sum(t["read"] for t in data["tables"].values())
    return {"wall_s": wall, "rows": rows, "rows_per_s": rows / wall,
            "peak_rss_gib": rss_kib / 2**20, "tables": data["tables"]}


def bare_copy(directory: Path, store: Path) -> dict:
    """The floor: read each file and COPY it, with no validation, provenance or diff."""
    code = f"""
import time, pyarrow as pa, pyarrow.parquet as pq, pyarrow.csv as pcsv, ladybug
from pathlib import Path
d = Path({str(directory)!r}); store = Path({str(store)!r}); store.mkdir(parents=True)
t0 = time.perf_counter()
db = ladybug.Database(str(store / "graph.lbdb"), buffer_pool_size=2 << 30)
c = ladybug.Connection(db)
c.execute("CREATE NODE TABLE Person(person_id STRING, name STRING, PRIMARY KEY(person_id))")
c.execute("CREATE NODE TABLE Account(account_id STRING, holder_id STRING, PRIMARY KEY(account_id))")
c.execute("CREATE REL TABLE TRANSFERRED_TO(FROM Account TO Account, transfer_id STRING, "
          "amount DOUBLE, memo STRING) WITH (storage_direction = 'fwd')")
def read(name):
    p = d / (name + ".parquet")
    if p.exists():
        return pq.read_table(p)
    return pcsv.read_csv(d / (name + ".csv"))
rows = 0
people = read("persons"); rows += people.num_rows
node = people.select(["person_id", "name"])
c.execute("COPY Person FROM node")
acc = read("accounts"); rows += acc.num_rows
node = acc.select(["account_id", "holder_id"])
c.execute("COPY Account FROM node")
tr = read("transfers"); rows += tr.num_rows
tr = tr.filter(pa.compute.and_(pa.compute.not_equal(tr["from_account"], ""),
                               pa.compute.not_equal(tr["to_account"], "")))
rel = pa.table({{"from": tr["from_account"], "to": tr["to_account"],
                 "transfer_id": tr["transfer_id"],
                 "amount": pa.compute.cast(tr["amount"], pa.float64()),
                 "memo": tr["memo"]}})
c.execute("COPY TRANSFERRED_TO FROM rel")
print(rows, time.perf_counter() - t0)
"""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"bare copy failed:\n{proc.stderr}")
    rows, _inner = proc.stdout.split()
    return {"wall_s": wall, "rows": int(rows), "rows_per_s": int(rows) / wall}


def write_docs(result: dict) -> None:
    c, b = result["clawback"], result["bare"]
    table = "\n".join(
        f"| {name} | {t['read']:,} | {t['loaded']:,} | {t['quarantined']:,} |"
        for name, t in c["tables"].items()
    )
    section = f"""
## Load: 1M persons, 10M transfers into the embedded store

Command: `{result['command']}` on {result['machine']} ({result['date']}).

| measure | clawback load | bare COPY (no validation) | ratio |
|---|---:|---:|---:|
| wall time | {c['wall_s']:.1f} s | {b['wall_s']:.1f} s | {c['wall_s'] / b['wall_s']:.2f}× |
| rows/s (all tables) | {c['rows_per_s']:,.0f} | {b['rows_per_s']:,.0f} (3 tables) | |
| peak RSS | {c['peak_rss_gib']:.2f} GiB | | |

The bare COPY is the floor the engine sets: persons, accounts and transfers only, two or three
columns each, read from the same Parquet files and bulk-copied with no validation, provenance,
derived elements or comparison. clawback reads all ten tables, validates every value, derives
the inverse kinship ties, identifiers, cash accounts and title relationships, and writes every
property with its provenance. Target (issue 2): ≥ 500,000 rows/s including validation, peak
RSS ≤ 8 GB.

| table | read | loaded | quarantined |
|---|---:|---:|---:|
{table}
"""
    write_section("load", section)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="debtor cases to generate")
    parser.add_argument("--format", default="parquet", choices=["parquet", "csv"])
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    directory = generate(args.size, args.format)
    work = Path(tempfile.mkdtemp(prefix="clawback-bench-", dir=DATA))
    try:
        bare = bare_copy(directory, work / "bare")
        print(f"bare COPY: {bare['wall_s']:.1f} s, {bare['rows_per_s']:,.0f} rows/s", flush=True)
        shutil.rmtree(work / "bare")
        ours = clawback_load(directory, work / "store")
        print(f"clawback load: {ours['wall_s']:.1f} s, {ours['rows']:,} rows, "
              f"{ours['rows_per_s']:,.0f} rows/s, peak RSS {ours['peak_rss_gib']:.2f} GiB",
              flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result = {
        "clawback": ours, "bare": bare,
        "command": f"python benchmarks/bench_load.py --size {args.size} --format {args.format}",
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
                   f"{platform.python_version()}",
        "date": time.strftime("%Y-%m-%d"),
    }
    if args.write_docs:
        write_docs(result)
    print(json.dumps({k: v for k, v in result.items()}, indent=2, default=str))


if __name__ == "__main__":
    main()
