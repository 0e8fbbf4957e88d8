"""``clawback query``: the named Cypher queries (list, show, run) and read-only ad-hoc Cypher.

Every command opens the store read-only and runs its Cypher in a read-only transaction; a write
attempt exits with status 1 and a message that says "read-only". Every run — refused ones too —
is recorded in the store's hash-chained audit log (``clawback audit show``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from clawback.cli_common import DEFAULT_STORE, Lang, Neo4jOpt, StoreOpt, out, user_errors
from clawback.graph.store import QueryResult

__all__ = ["ResultFormat", "format_result", "parse_param_options", "register"]


class ResultFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class ListFormat(StrEnum):
    table = "table"
    json = "json"


ParamOpt = Annotated[
    list[str] | None,
    typer.Option("--param", "-p", metavar="NAME=VALUE",
                 help="A query parameter (repeatable); lists are comma-separated, dates "
                      "YYYY-MM-DD. 查询参数，可重复。"),
]


def parse_param_options(values: list[str] | None) -> dict[str, str]:
    """``["k=v", ...]`` as a dict; a malformed or repeated one is a user error."""
    from clawback.queries.registry import QueryError

    params: dict[str, str] = {}
    for item in values or []:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise QueryError(f"--param {item!r}: write NAME=VALUE (参数格式应为 名称=值)")
        if name in params:
            raise QueryError(f"--param {name!r} given twice (参数重复)")
        params[name] = value
    return params


def format_result(result: QueryResult, fmt: ResultFormat) -> str:
    """The result as CSV or JSON text (dates ISO 8601, lists as JSON in CSV cells)."""
    from clawback.queries.registry import canonical_rows

    data = canonical_rows(result)
    if fmt is ResultFormat.json:
        rows = [dict(zip(data["columns"], row, strict=True)) for row in data["rows"]]
        return json.dumps(rows, ensure_ascii=False, indent=2)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(data["columns"])
    for row in data["rows"]:
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _print_result(result: QueryResult, fmt: ResultFormat, title: str) -> None:
    if fmt is not ResultFormat.table:
        print(format_result(result, fmt), end="" if fmt is ResultFormat.csv else "\n")
        return
    from clawback.queries.registry import canonical_rows

    data = canonical_rows(result)
    table = Table(title=title)
    for column in data["columns"]:
        table.add_column(column, overflow="fold")  # a narrow terminal wraps, never drops
    for row in data["rows"]:
        table.add_row(*[_cell(v) for v in row])
    out.print(table)
    out.print(f"{len(data['rows'])} row(s) / 行")


def register(app: typer.Typer) -> None:
    """Add the ``query`` command group to ``app``."""
    query_app = typer.Typer(
        name="query", no_args_is_help=True,
        help="Named, read-only Cypher queries for legal teams (命名只读查询), and ad-hoc "
             "read-only Cypher.")

    @query_app.command("list")
    @user_errors
    def list_queries(
        fmt: Annotated[ListFormat, typer.Option("--format", help="table or json.")]
        = ListFormat.table,
    ) -> None:
        """List the named queries: name, titles (en/zh), parameters, portability."""
        from clawback.queries.registry import REGISTRY

        entries: list[dict[str, Any]] = [{
            "name": q.name, "title_en": q.title["en"], "title_zh": q.title["zh"],
            "params": [{"name": p.name, "type": p.type, "required": p.required,
                        "default": _default_text(p.default)} for p in q.params],
            "returns": q.returns, "audience": q.audience, "version": q.version,
            "portable": q.portable, "sha256": q.sha256,
        } for q in REGISTRY.values()]
        if fmt is ListFormat.json:
            print(json.dumps(entries, ensure_ascii=False, indent=2))
            return
        table = Table(title="named queries / 命名查询")
        for column in ("name", "title", "params", "portable"):
            table.add_column(column)
        for e in entries:
            params = ", ".join(
                p["name"] + ("" if p["required"] else f"={p['default']}") for p in e["params"])
            table.add_row(e["name"], f"{e['title_en']}\n{e['title_zh']}", params,
                          "both / 两种存储" if e["portable"] else "Neo4j only / 仅 Neo4j")
        out.print(table)

    @query_app.command("show")
    @user_errors
    def show(
        name: Annotated[str, typer.Argument(help="The query's name (see 'clawback query list').")],
        lang: Annotated[Lang, typer.Option("--lang", help="en or zh.")] = Lang.en,
    ) -> None:
        """Print a named query: header, parameters, the Cypher file and its sha256."""
        from clawback.queries.registry import get

        q = get(name)
        zh = lang is Lang.zh
        print(f"{q.name}: {q.title[lang.value]}")
        print(q.description[lang.value])
        label = "参数" if zh else "parameters"
        for p in q.params:
            default = ("必填" if zh else "required") if p.required else \
                f"= {_default_text(p.default)}"
            print(f"  {label}: {p.name} ({p.type}, {default}) {p.description[lang.value]}")
        print(("返回列" if zh else "returns") + ": " + ", ".join(q.returns))
        if zh:
            print("可在嵌入式存储运行: " + ("是" if q.portable else "否（仅 Neo4j）"))
        else:
            print("runs on the embedded store: " + ("yes" if q.portable else "no (Neo4j only)"))
        print(f"sha256: {q.sha256}")
        print(f"file: {q.source}")
        print("---")
        print(q.text, end="" if q.text.endswith("\n") else "\n")

    @query_app.command("run")
    @user_errors
    def run(
        name: Annotated[str, typer.Argument(help="The query's name (see 'clawback query list').")],
        param: ParamOpt = None,
        fmt: Annotated[ResultFormat, typer.Option("--format", help="table, csv or json.")]
        = ResultFormat.table,
        store: StoreOpt = DEFAULT_STORE,
        neo4j: Neo4jOpt = None,
    ) -> None:
        """Run a named query with --param NAME=VALUE, read-only."""
        from clawback.graph.open import open_store
        from clawback.queries.registry import get, result_sha256, run_named

        query = get(name)
        params = parse_param_options(param)
        audit = {"query_sha256": query.sha256, "params": params}
        with _audited(store, neo4j, "query", query.name, audit) as record, \
                open_store(store, neo4j, read_only=True) as st:
            result = run_named(st, query.name, params)
            record(result_sha256(result))
        _print_result(result, fmt, f"{query.name}: {query.title['en']} / {query.title['zh']}")
        if fmt is ResultFormat.table:
            out.print(f"query sha256 {query.sha256}  result sha256 {result_sha256(result)}")

    @query_app.command("cypher")
    @user_errors
    def cypher(
        text: Annotated[str, typer.Argument(help="One read-only Cypher statement.")],
        param: ParamOpt = None,
        fmt: Annotated[ResultFormat, typer.Option("--format", help="table, csv or json.")]
        = ResultFormat.table,
        store: StoreOpt = DEFAULT_STORE,
        neo4j: Neo4jOpt = None,
    ) -> None:
        """Run ad-hoc read-only Cypher (parameters are passed as text); writes are refused."""
        from clawback.graph.open import open_store
        from clawback.queries.registry import lint_cypher, result_sha256, run_adhoc

        params = parse_param_options(param)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        with _audited(store, neo4j, "cypher", digest, {"text": text, "params": params}) as record:
            lint_cypher(text, check_schema=False)  # refuse a write before opening the store
            with open_store(store, neo4j, read_only=True) as st:
                result = run_adhoc(st, text, params)
            record(result_sha256(result))
        _print_result(result, fmt, "ad-hoc Cypher / 临时查询")

    app.add_typer(query_app, name="query")


def _audited(store: Path, neo4j: str | None, action: str, target: str,
             parameters: dict[str, Any]) -> AbstractContextManager[Callable[[str], None]]:
    """Record a query run in the store's audit log (clawback.evidence.audit): who, when, what,
    its parameters and the hash of its result — or, for a refused or failed run, why."""
    from clawback.evidence.audit import audited, default_audit_log

    log = (default_audit_log(store, neo4j, os.environ.get("NEO4J_DATABASE"))
           if neo4j or store.exists() else None)
    return audited(log, action, target, parameters)


def _default_text(value: Any) -> Any:
    import datetime as dt

    if isinstance(value, dt.timedelta):
        return value.days
    if isinstance(value, list):
        return ",".join(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
