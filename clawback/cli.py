"""The ``clawback`` command line.

User errors (bad input files, a store that cannot be opened) print one line starting with
``error:`` and exit with status 1; nothing a user does should print a traceback.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from contextlib import suppress
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from clawback import __version__
from clawback.cli_common import (
    DEFAULT_STORE,
    AddressOpt,
    DataFormat,
    Lang,
    Neo4jOpt,
    OutputFormat,
    StoreOpt,
    out,
)
from clawback.cli_common import progress as _progress
from clawback.cli_common import user_errors as _user_errors
from clawback.errors import ClawbackError

__all__ = ["app", "main"]

# The Neo4j driver logs a lost connection before raising it; the command reports it in one line.
logging.getLogger("neo4j").addHandler(logging.NullHandler())
logging.getLogger("neo4j").propagate = False

app = typer.Typer(
    name="clawback",
    help="Find the assets debtors hide with relatives before a bankruptcy filing, and prove it.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
def _version_callback(value: bool) -> None:
    if value:
        out.print(f"clawback {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version_callback,
                                          is_eager=True, help="Print the version and exit.")]
    = False,
) -> None:
    """Find the assets debtors hide with relatives before a bankruptcy filing, and prove it."""


@app.command()
@_user_errors
def generate(
    out_dir: Annotated[Path, typer.Argument(help="Directory to write the portfolio into.")],
    size: Annotated[int, typer.Option(min=1, help="Number of debtor cases.")] = 300,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same files.")]
    = 7,
    fmt: Annotated[DataFormat, typer.Option("--format", help="File format of the tables.")]
    = DataFormat.csv,
) -> None:
    """Generate a synthetic demo portfolio (with labels.csv) in the input format."""
    from clawback.demo.generator import generate_portfolio

    with _progress() as update:
        summary = generate_portfolio(out_dir, size=size, seed=seed, fmt=fmt.value,
                                     progress=update)
    rows = ", ".join(f"{n} {t}" for t, n in summary.tables.items())
    out.print(f"wrote {out_dir}: {summary.cases} cases ({summary.evaders} evaders, "
              f"{summary.honest} honest); {rows}", highlight=False)


def _load(directory: Path, store_path: Path, report: Path | None, quarantine: Path | None,
          tz: str, neo4j: str | None = None) -> Any:
    from clawback.graph.open import open_store
    from clawback.loaders.load import check_time_zone, load_directory, writable_file

    check_time_zone(tz)
    if report is not None:
        writable_file(report, "the report")
    with _progress() as update, open_store(store_path, neo4j) as store:
        result = load_directory(
            directory, store, tz=tz, quarantine_path=quarantine,
            progress=lambda stage, done, total: update(stage, done / max(total, 1)),
        )
    if report is not None:
        report.write_text(result.to_json() + "\n", encoding="utf-8")
    store_report = Path(result.quarantine_file or "").parent / "report.json"
    if store_report.parent.is_dir():
        store_report.write_text(result.to_json() + "\n", encoding="utf-8")
    return result


def _print_load(result: Any) -> None:
    table = Table(title=f"load {result.batch_id} → {result.store}")
    for col in ("table", "read", "loaded", "duplicates", "quarantined", "encoding"):
        table.add_column(col, justify="left" if col in ("table", "encoding") else "right")
    names = {t: f for f in result.files for t in [f.rsplit(".", 1)[0]]}
    for name, c in result.tables.items():
        table.add_row(name, str(c.read), str(c.loaded), str(c.duplicates), str(c.quarantined),
                      result.encodings.get(names.get(name, ""), ""))
    out.print(table)
    if result.quarantined:
        out.print(f"{result.quarantined} rows quarantined: {result.quarantine_file}",
                  highlight=False)
    for table_name, columns in result.extra_columns.items():
        out.print(f"{table_name}: kept unknown columns {', '.join(columns)} as extra properties",
                  highlight=False)
    if result.ignored_files:
        out.print(f"ignored files: {', '.join(result.ignored_files)}", highlight=False)


@app.command()
@_user_errors
def load(
    directory: Annotated[Path, typer.Argument(help="Input directory (see docs/input-format.md).")],
    store: StoreOpt = DEFAULT_STORE,
    neo4j: Neo4jOpt = None,
    report: Annotated[Path | None, typer.Option(help="Write the load report (JSON) here.")]
    = None,
    quarantine: Annotated[Path | None, typer.Option(
        help="Write the quarantine CSV here (default: STORE/loads/BATCH/quarantine.csv).")]
    = None,
    tz: Annotated[str, typer.Option(help="Time zone of timestamps written without an offset.")]
    = "Asia/Shanghai",
    strict: Annotated[bool, typer.Option(help="Exit with status 3 if any row was quarantined.")]
    = False,
) -> None:
    """Validate an input directory and load it into the store.

    Bad rows go to the quarantine file with file, row, column and reason; a file-level problem
    stops the load before anything is written. Loading the same input again changes nothing.
    """
    result = _load(directory, store, report, quarantine, tz, neo4j)
    _print_load(result)
    if strict and result.quarantined:
        raise typer.Exit(3)


@app.command()
@_user_errors
def stats(
    store: StoreOpt = DEFAULT_STORE,
    neo4j: Neo4jOpt = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="table or json.")]
    = OutputFormat.table,
) -> None:
    """Count nodes per label and relationships per type in the store."""
    from clawback.graph.open import open_store

    with open_store(store, neo4j, read_only=True) as st:
        counts = st.counts()
        location = st.location
    if fmt is OutputFormat.json:
        out.print_json(json.dumps(counts))
        return
    table = Table(title=f"store {location}")
    table.add_column("kind")
    table.add_column("name")
    table.add_column("count", justify="right")
    for kind, values in (("node", counts["nodes"]), ("relationship", counts["relationships"])):
        for name, n in values.items():
            table.add_row(kind, name, str(n))
    out.print(table)


def _reset_store(store: Path) -> None:
    """Empty a store directory, refusing to touch a directory that is not a store."""
    from clawback.graph.embedded import DB_FILE

    if store.exists() and any(store.iterdir()) and not (store / DB_FILE).exists():
        raise ClawbackError(f"{store} exists and is not a clawback store; choose another --store")
    shutil.rmtree(store, ignore_errors=True)


def _serve(store: Path, port: int, address: str, neo4j: str | None = None) -> None:
    script = Path(__file__).parent / "app" / "main.py"
    env = {**os.environ, "CLAWBACK_STORE": str(store.resolve()),
           "CLAWBACK_NEO4J_URI": neo4j or ""}
    command = [sys.executable, "-m", "streamlit", "run", str(script),
               "--server.port", str(port), "--server.headless", "true",
               "--server.address", address, "--browser.gatherUsageStats", "false"]
    out.print(f"serving the app on http://localhost:{port} (Ctrl-C to stop)")
    with suppress(KeyboardInterrupt):
        subprocess.run(command, env=env, check=False)


@app.command(name="app")
@_user_errors
def app_command(
    store: StoreOpt = DEFAULT_STORE,
    neo4j: Neo4jOpt = None,
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8501,
    address: AddressOpt = "localhost",
) -> None:
    """Serve the investigator app (Streamlit) for a store."""
    from clawback.graph.embedded import DB_FILE
    from clawback.graph.open import open_store

    if neo4j:
        open_store(store, neo4j, read_only=True).close()  # fail here, in one line, if unreachable
    elif not (store / DB_FILE).exists():
        raise ClawbackError(f"no clawback store at {store} (run 'clawback load' first)")
    _serve(store, port, address, neo4j)


class TraceRule(StrEnum):
    fifo = "fifo"
    libr = "libr"
    pro_rata = "pro_rata"


TraceRuleOpt = Annotated[
    TraceRule,
    typer.Option("--trace-rule", help="How money traced through an intermediary is told apart "
                 "from its own: fifo (first in, first out), libr (lowest intermediate balance) "
                 "or pro_rata."),
]


def _score(store: Path, neo4j: str | None, seed: int, trace_rule: str = "fifo") -> Any:
    """The store's scores: those saved beside it when they match its current state and these
    settings, else computed now and saved (clawback.algorithms.results)."""
    from clawback.algorithms.results import results_dir, scored
    from clawback.graph.open import open_store

    directory = results_dir(store, neo4j, os.environ.get("NEO4J_DATABASE"))
    with _progress() as update, open_store(store, neo4j, read_only=True) as st:
        return scored(st, directory, seed=seed, trace_rule=trace_rule, progress=update)


@app.command()
@_user_errors
def score(
    store: StoreOpt = DEFAULT_STORE,
    neo4j: Neo4jOpt = None,
    out_file: Annotated[Path, typer.Option("--out", help="Write the scores here (CSV).")]
    = Path("scores.csv"),
    evidence: Annotated[Path | None, typer.Option(
        help="Also write every finding (signal, explanation, evidence ids, rules) as CSV.")]
    = None,
    seed: Annotated[int, typer.Option(help="Seed of every randomized step.")] = 7,
    trace_rule: TraceRuleOpt = TraceRule.fifo,
) -> None:
    """Score every debtor case: a 0-100 suspicion score, band, triage and recoverable estimate.

    One row per case, ranked, in the contract's columns (docs/input-format.md). The rule set,
    weights, seed and software version go to FILE.json beside the scores.
    """
    from clawback.algorithms.score import provenance_json

    result = _score(store, neo4j, seed, trace_rule.value)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    result.scores.to_csv(out_file, index=False, encoding="utf-8", float_format="%.2f")
    out_file.with_name(out_file.name + ".json").write_text(provenance_json(result) + "\n",
                                                           encoding="utf-8")
    if evidence is not None:
        result.hits.to_csv(evidence, index=False, encoding="utf-8")
    counts = result.scores["triage"].value_counts()
    table = Table(title=f"{len(result.scores)} cases scored → {out_file}")
    for col in ("triage", "cases"):
        table.add_column(col)
    for name in ("likely_evasion", "review", "honest_unfortunate"):
        table.add_row(name, str(int(counts.get(name, 0))))
    out.print(table)


@app.command()
@_user_errors
def explain(
    case_id: Annotated[str, typer.Argument(help="The case to explain, e.g. CASE000001.")],
    store: StoreOpt = DEFAULT_STORE,
    neo4j: Neo4jOpt = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="table or json.")]
    = OutputFormat.table,
    lang: Annotated[Lang, typer.Option(help="Language of the explanations: en or zh.")]
    = Lang.en,
    seed: Annotated[int, typer.Option(help="Seed of every randomized step.")] = 7,
    trace_rule: TraceRuleOpt = TraceRule.fifo,
) -> None:
    """Explain one case's score: each signal's points, its findings, evidence rows and rules."""
    result = _score(store, neo4j, seed, trace_rule.value)
    try:
        detail = result.explain(case_id, lang.value)
    except KeyError:
        raise ClawbackError(f"no case {case_id!r} in the store") from None
    if fmt is OutputFormat.json:
        out.print_json(json.dumps(detail, ensure_ascii=False, default=str))
        return
    out.print(f"[bold]{case_id}[/bold] debtor {detail['debtor_id']}: score {detail['score']:.1f} "
              f"({detail['band']}, {detail['triage']}), recoverable ≈ "
              f"{detail['currency']} {detail['recoverable_estimate']:,.0f}", highlight=False)
    for step in detail["waterfall"]:
        out.print(f"  +{step['points']:5.1f}  {step['signal']} {step['name']}", highlight=False)
        for finding in step["findings"]:
            out.print(f"          {finding['explanation']}", highlight=False)
            flag = " (UNCONFIRMED)" if lang is Lang.en else "（未经核实）"
            rules = ", ".join(r["id"] + (flag if r["verified"] == "UNCONFIRMED" else "")
                              for r in finding["rules"])
            if rules:
                out.print(f"          {'rules' if lang is Lang.en else '规则'}: {rules}",
                          highlight=False)
            shown = finding["evidence"][:8]
            more = len(finding["evidence"]) - len(shown)
            out.print(f"          evidence: {', '.join(shown)}"
                      + (f" and {more} more" if more > 0 else ""), highlight=False)


def _demo_bundle(store: Path, scored: Any) -> None:
    """Write the evidence bundle of the top case into STORE/bundles and verify it."""
    from clawback.evidence.audit import default_audit_log
    from clawback.evidence.bundle import verify_bundle, write_bundle
    from clawback.graph.open import open_store

    top = str(scored.scores.iloc[0]["case_id"])
    path = store / "bundles" / f"{top}.zip"
    with open_store(store, None, read_only=True) as st:
        info = write_bundle(st, scored, top, path, lang="zh")
    default_audit_log(store, None).append(
        action="bundle", target=top, result_hash=info.merkle_root,
        parameters={"out": str(path), "lang": "zh", "seed": scored.provenance.get("seed"),
                    "signed": False, "store": str(store)})
    report = verify_bundle(path)
    if not report.ok:
        raise ClawbackError("the demo bundle failed verification: " + "; ".join(report.lines()))
    out.print(f"evidence bundle of {top} → {path} (Merkle root {info.merkle_root[:16]}…), "
              f"verified; try: clawback verify {path}", highlight=False)


@app.command()
@_user_errors
def demo(
    size: Annotated[int, typer.Option(min=1, help="Number of debtor cases to generate.")] = 300,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
    out_dir: Annotated[Path, typer.Option("--out", help="Where to write the portfolio.")]
    = Path("demo-portfolio"),
    store: StoreOpt = DEFAULT_STORE,
    no_app: Annotated[bool, typer.Option("--no-app", help="Stop after loading.")] = False,
    port: Annotated[int, typer.Option(help="Port for the app.")] = 8501,
    address: AddressOpt = "localhost",
) -> None:
    """Generate a demo portfolio, load it into a fresh store, score it, write and verify the
    evidence bundle of the top case, then serve the app."""
    from clawback.demo.generator import generate_portfolio

    with _progress() as update:
        generate_portfolio(out_dir, size=size, seed=seed, progress=update)
    _reset_store(store)
    result = _load(out_dir, store, None, None, "Asia/Shanghai")
    _print_load(result)
    scored = _score(store, None, seed)
    scores_file = store / "scores.csv"
    scored.scores.to_csv(scores_file, index=False, encoding="utf-8", float_format="%.2f")
    counts = scored.scores["triage"].value_counts()
    out.print(f"scored {len(scored.scores)} cases → {scores_file}: "
              f"{int(counts.get('likely_evasion', 0))} likely evasion, "
              f"{int(counts.get('review', 0))} to review; "
              f"try: clawback explain {scored.scores.iloc[0]['case_id']} --store {store}",
              highlight=False)
    _demo_bundle(store, scored)
    if not no_app:
        _serve(store, port, address)


def _register_command_groups() -> None:
    """Commands that live beside their subject: ``query`` (named Cypher queries) and the
    evidence commands (``bundle``, ``verify``, ``keygen``, ``audit``)."""
    from clawback.evidence.cli import register as register_evidence
    from clawback.queries.cli import register as register_queries

    register_queries(app)
    register_evidence(app)


_register_command_groups()


def main() -> None:
    """Entry point of the ``clawback`` script."""
    app()


if __name__ == "__main__":
    main()
