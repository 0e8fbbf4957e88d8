"""Neo4j load benchmark: ~1M transfers with their persons and accounts, and a naive loader.

    .venv/bin/python benchmarks/bench_neo4j.py [--size 10000] [--sample 3000] [--write-docs]

Measures, in one run against one server (the local Neo4j 5.26 of scripts/neo4j_local.py, or
``NEO4J_URI``):

1. ``clawback load --neo4j`` of the whole generated portfolio into an empty database (a separate
   process): wall time and relationships per second.
2. Side by side on the same sample of transfers (their accounts already loaded): a naive loader,
   one ``MERGE`` per transaction, against clawback's ``UNWIND`` batches — the ratio.
3. The batch size: the same larger sample written with several batch sizes.

With ``--write-docs`` the figures replace the neo4j section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
from docs_section import write_section  # benchmarks/ is the script's folder

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench-data"
sys.path.insert(0, str(ROOT))

from clawback.graph.neo4j_store import DEFAULT_BATCH, Neo4jSettings, Neo4jStore  # noqa: E402
from clawback.graph.schema import SCHEMA  # noqa: E402
from clawback.graph.store import ChangeSet, RelChanges, RelGroup  # noqa: E402


def _local_server() -> tuple[Neo4jSettings, object | None, Path | None]:
    if os.environ.get("NEO4J_URI"):
        return Neo4jSettings.from_env(), None, None
    spec = importlib.util.spec_from_file_location("neo4j_local", ROOT / "scripts/neo4j_local.py")
    assert spec and spec.loader
    local = importlib.util.module_from_spec(spec)
    sys.modules["neo4j_local"] = local
    spec.loader.exec_module(local)
    run_dir = ROOT / ".neo4j" / "bench"
    server = local.start(run_dir, heap="2g", pagecache="1g")
    return Neo4jSettings(server.uri, server.user, server.password), local, run_dir


def generate(size: int) -> Path:
    out = DATA / f"portfolio-{size}-parquet"
    if not (out / "labels.csv").exists():
        from clawback.demo.generator import generate_portfolio

        generate_portfolio(out, size=size, seed=7, fmt="parquet")
    return out


def full_load(settings: Neo4jSettings, directory: Path) -> dict:
    with Neo4jStore(settings) as store:
        store.wipe()
    env = {**os.environ, "NEO4J_URI": settings.uri, "NEO4J_USER": settings.user,
           "NEO4J_PASSWORD": settings.password}
    report = DATA / "neo4j-report.json"
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "clawback.cli", "load", str(directory), "--report", str(report),
         "--quarantine", str(DATA / "neo4j-quarantine.csv")],
        capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"clawback load --neo4j failed:\n{proc.stderr}")
    data = json.loads(report.read_text(encoding="utf-8"))
    rels = sum(c["created"] for c in data["graph"]["relationships"].values())
    nodes = sum(c["created"] for c in data["graph"]["nodes"].values())
    rows = sum(t["read"] for t in data["tables"].values())
    return {"wall_s": wall, "relationships": rels, "nodes": nodes, "rows": rows,
            "rels_per_s": rels / wall, "rows_per_s": rows / wall,
            "transfers": data["graph"]["relationships"]["TRANSFERRED_TO"]["created"],
            "peak_rss_gib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20}


def _sample(store: Neo4jStore, n: int) -> pa.Table:
    """``n`` stored transfers, every property, in key order (deterministic)."""
    table = store.existing("TRANSFERRED_TO").sort_by("transfer_id")
    step = max(1, table.num_rows // n)
    picked = table.take(pa.array(range(0, step * n, step))).slice(0, n)
    types = SCHEMA.rel_properties("TRANSFERRED_TO")
    provenance = {"src_file": pa.array(["transfers.parquet"] * picked.num_rows),
                  "src_row": pa.array(range(1, picked.num_rows + 1), pa.int64()),
                  "load_batch": pa.array(["bench"] * picked.num_rows)}
    for name, values in provenance.items():
        picked = picked.append_column(name, values)
    return picked.select(["from", "to", *types])


def _delete(store: Neo4jStore, keys: list[str]) -> None:
    store.apply(ChangeSet(relationships=[RelChanges("TRANSFERRED_TO", keys, [])]))


def naive(store: Neo4jStore, sample: pa.Table) -> float:
    """One MERGE per transaction, one row at a time: what a first attempt looks like."""
    props = [c for c in sample.column_names if c not in {"from", "to", "transfer_id"}]
    sets = ", ".join(f"r.{p} = ${p}" for p in props)
    cypher = ("MATCH (a:Account {account_id: $from}) MATCH (b:Account {account_id: $to}) "
              f"MERGE (a)-[r:TRANSFERRED_TO {{transfer_id: $transfer_id}}]->(b) SET {sets}")
    rows = sample.to_pylist()
    t0 = time.perf_counter()
    with store._driver.session(database=store.settings.database) as s:
        for row in rows:
            s.execute_write(lambda tx, row=row: tx.run(cypher, row).consume())
    return len(rows) / (time.perf_counter() - t0)


def batched(store: Neo4jStore, sample: pa.Table, batch_size: int) -> float:
    store.batch_size = batch_size
    store.atomic_rows = 0
    changes = ChangeSet(relationships=[RelChanges(
        "TRANSFERRED_TO", (), [RelGroup("Account", "Account", sample)])])
    t0 = time.perf_counter()
    store.apply(changes)
    return sample.num_rows / (time.perf_counter() - t0)


def write_docs(result: dict) -> None:
    f, s = result["full"], result["side_by_side"]
    sizes = "\n".join(f"| {b:,} | {r:,.0f} |" for b, r in result["batch_sizes"].items())
    fast_row = (f"| clawback: `UNWIND` over a batch sent as columns + `MERGE`, "
                f"{s['batch_size']:,} rows per transaction | {s['batched']:,.0f} | "
                f"{s['batched'] / s['naive']:,.1f}× |")
    section = f"""
## Load into Neo4j: ~1M transfers with their persons and accounts

Command: `{result['command']}` against {result['server']} on {result['machine']}
({result['date']}).

| measure | value |
|---|---:|
| `clawback load --neo4j` wall time (read, validate, diff, write) | {f['wall_s']:.1f} s |
| input rows | {f['rows']:,} |
| relationships created (of which transfers) | {f['relationships']:,} ({f['transfers']:,}) |
| nodes created | {f['nodes']:,} |
| relationships/s over the whole load | {f['rels_per_s']:,.0f} |
| peak RSS of the load process | {f['peak_rss_gib']:.2f} GiB |

Side by side on the same {s['rows']:,} transfers (their accounts loaded, the relationships
deleted before each run):

| loader | relationships/s | ratio |
|---|---:|---:|
| naive: one `MERGE` per transaction | {s['naive']:,.0f} | 1× |
{fast_row}

Batch size (rows per transaction, {result['batch_sample']:,} transfers each time):

| batch size | relationships/s |
|---:|---:|
{sizes}

Targets (issue 3): ≥ 50,000 relationships/s, ≥ 30× the naive loader. The second is met; the
first is not, and the limit is the server's write path on this 2-core machine, measured on the
same 60,000 transfers: sending and unwinding the batch alone runs at ~200,000 rows/s, matching
both end nodes at 67,000–77,000/s, but creating the relationships — with only the key and the
uniqueness constraint, no properties — at ~25,000/s, and with their eleven properties at
15,000–18,000/s (`CREATE` or `MERGE` alike; a property index on the relationship type halved it,
so the schema has none on `TRANSFERRED_TO`). Two concurrent writers gained 20 % and deadlocked
on shared accounts. What got clawback from 8,000/s to here: batches sent as columns rather than
row maps, and dates and timestamps as ISO text parsed by the server (the driver packs temporal
values in Python), one `SET r += {...}` per relationship.
"""
    write_section("neo4j", section)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000,
                        help="debtor cases to generate (10,000 gives ~1M transfers)")
    parser.add_argument("--sample", type=int, default=3_000,
                        help="transfers in the naive-vs-batched comparison")
    parser.add_argument("--batch-sample", type=int, default=100_000,
                        help="transfers per batch-size run")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    directory = generate(args.size)
    settings, local, run_dir = _local_server()
    try:
        full = full_load(settings, directory)
        print(f"full load: {full['wall_s']:.1f} s, {full['relationships']:,} relationships, "
              f"{full['rels_per_s']:,.0f}/s", flush=True)
        with Neo4jStore(settings) as store:
            sample = _sample(store, args.batch_sample)
            keys = sample["transfer_id"].to_pylist()
            batch_sizes = {}
            for size in (1_000, 5_000, 10_000, 20_000):
                _delete(store, keys)
                batch_sizes[size] = batched(store, sample, size)
                print(f"batch {size}: {batch_sizes[size]:,.0f}/s", flush=True)
            small = sample.slice(0, args.sample)
            small_keys = small["transfer_id"].to_pylist()
            _delete(store, small_keys)
            slow = naive(store, small)
            _delete(store, small_keys)
            fast = batched(store, small, DEFAULT_BATCH)
            print(f"naive {slow:,.0f}/s, batched {fast:,.0f}/s: {fast / slow:.1f}x", flush=True)
            version = store.server_version
    finally:
        if local is not None:
            local.stop(run_dir)  # type: ignore[attr-defined]
    result = {
        "full": full,
        "side_by_side": {"rows": small.num_rows, "naive": slow, "batched": fast,
                         "batch_size": DEFAULT_BATCH},
        "batch_sizes": batch_sizes, "batch_sample": sample.num_rows,
        "command": f"python benchmarks/bench_neo4j.py --size {args.size} "
                   f"--sample {args.sample}",
        "server": f"Neo4j {version} Community (local, 2 GiB heap, 1 GiB page cache)",
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
                   f"{platform.python_version()}",
        "date": time.strftime("%Y-%m-%d"),
    }
    if args.write_docs:
        write_docs(result)
    print(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main()
