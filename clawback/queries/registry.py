"""The registry of named queries: one ``.cypher`` file each in ``clawback/queries/library/``,
loaded and linted at import.

A file starts with a header of ``// key: value`` comment lines, then the one Cypher statement::

    // name: transfers_to_relatives_before_acceptance
    // title.en: Transfers to relatives within N days before acceptance
    // title.zh: 受理前 N 日内向亲属的转账
    // description.en: ...
    // description.zh: ...
    // param: case_id string | The case | 案件编号
    // param: days days = 730 | Look-back window in days | 回溯天数
    // returns: case_id, transfer_id, src_file, src_row
    // audience: legal
    // version: 1
    // portable: true

Parameter types: ``string``, ``int``, ``float``, ``date``, ``bool``, ``list[string]`` and
``days`` (a whole number of days, sent to the engine as a duration so that both engines can
subtract it from a date). A parameter without ``= default`` is required.

The lint refuses a query that writes (``CREATE``, ``MERGE``, ``SET``, ``DELETE``, ``DETACH``,
``REMOVE``, ``FOREACH``, ``LOAD CSV``/``LOAD FROM``, ``COPY``, DDL, procedure calls), names a
label, relationship type or property the schema lacks, or uses a ``$parameter`` the header does
not declare (or declares one it never uses). It works on tokens, so words inside string literals,
backquoted names and comments never count. Errors name the file and line.

>>> q = get("case_parties_and_assets")
>>> q.portable, [p.name for p in q.params]
(True, ['case_id'])
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from clawback.errors import ClawbackError
from clawback.graph.schema import SCHEMA, Schema
from clawback.graph.store import GraphStore, QueryResult

__all__ = [
    "PARAM_TYPES",
    "REGISTRY",
    "NamedQuery",
    "Param",
    "QueryError",
    "ReadOnlyError",
    "canonical_rows",
    "coerce_params",
    "get",
    "lint_cypher",
    "load_library",
    "parse_query",
    "result_sha256",
    "run_adhoc",
    "run_named",
]

PARAM_TYPES = ("string", "int", "float", "date", "bool", "list[string]", "days")
_HEADER_KEYS = ("name", "title.en", "title.zh", "description.en", "description.zh", "param",
                "returns", "audience", "version", "portable")
_REQUIRED_KEYS = ("name", "title.en", "title.zh", "description.en", "description.zh",
                  "returns", "audience", "version", "portable")

# Clauses and words that change data or the schema, or reach outside the graph.
_WRITE_WORDS = frozenset({
    "CREATE", "MERGE", "SET", "DELETE", "DETACH", "REMOVE", "FOREACH", "LOAD", "COPY", "DROP",
    "ALTER", "INSTALL", "ATTACH", "EXPORT", "IMPORT", "CHECKPOINT", "GRANT", "REVOKE",
    "DENY", "RENAME", "TERMINATE", "START", "STOP", "BEGIN", "COMMIT", "ROLLBACK", "USE",
})
# Procedures a read-only query may call (anything else, e.g. db.create*, apoc.*, is refused).
_READ_PROCEDURES = frozenset({"db.labels", "db.relationshiptypes", "db.propertykeys",
                              "db.schema.visualization", "db.schema.nodetypeproperties",
                              "db.schema.reltypeproperties", "dbms.components"})
# Functions whose namespace is spelled like a property access (``duration.between``).
_FUNCTION_NAMESPACES = frozenset({"duration", "date", "datetime", "localdatetime", "time",
                                  "localtime", "point", "db", "dbms", "apoc", "gds"})


class QueryError(ClawbackError):
    """A named query is unknown, malformed, unsafe, or was given bad parameters."""


class ReadOnlyError(QueryError):
    """A query tried to write: every query clawback runs is read-only."""


@dataclass(frozen=True)
class Param:
    """One typed parameter of a named query (``default`` None: required)."""

    name: str
    type: str
    default: Any = None
    description: Mapping[str, str] = field(default_factory=dict)

    @property
    def required(self) -> bool:
        return self.default is None


@dataclass(frozen=True)
class NamedQuery:
    """A named, linted, read-only Cypher query and its header."""

    name: str
    title: Mapping[str, str]
    description: Mapping[str, str]
    params: list[Param]
    returns: list[str]
    audience: str
    version: int
    portable: bool
    text: str
    cypher: str
    source: str

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of the whole file text (UTF-8): what a bundle cites."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise QueryError(f"query {self.name!r} has no parameter {name!r}; "
                         f"it takes: {', '.join(p.name for p in self.params) or 'none'}")


# -- tokens ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Token:
    kind: str     # word, param, string, quoted, number, punct
    value: str
    line: int


_TOKEN_RE = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<quoted>`(?:[^`]|``)*`)
  | (?P<param>\$(?:[A-Za-z_][A-Za-z0-9_]*|`(?:[^`]|``)*`|[0-9]+))
  | (?P<number>[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>\.\.|<-|->|<>|<=|>=|=~|\|\||[-+*/%^=<>(){}\[\],.:;|!])
""", re.VERBOSE | re.DOTALL)


def _tokens(cypher: str, first_line: int = 1) -> list[_Token]:
    out: list[_Token] = []
    pos, line = 0, first_line
    while pos < len(cypher):
        m = _TOKEN_RE.match(cypher, pos)
        if m is None:
            raise QueryError(f"line {line}: cannot read the Cypher at {cypher[pos:pos + 20]!r}")
        kind = m.lastgroup or ""
        text = m.group()
        if kind not in ("space", "comment"):
            value = text
            if kind == "quoted":
                value = text[1:-1].replace("``", "`")
            elif kind == "param":
                value = text[1:].strip("`")
            out.append(_Token(kind, value, line))
        line += text.count("\n")
        pos = m.end()
    return out


def _name(tok: _Token) -> str | None:
    return tok.value if tok.kind in ("word", "quoted") else None


def lint_cypher(cypher: str, *, schema: Schema = SCHEMA, first_line: int = 1,
                check_schema: bool = True) -> set[str]:
    """Refuse Cypher that writes or names what the schema lacks; return the parameter names
    it uses. Raises :class:`ReadOnlyError` for a write, :class:`QueryError` otherwise; messages
    start with ``line N:``.

    >>> sorted(lint_cypher("MATCH (p:Person) WHERE p.person_id = $id RETURN p.name"))
    ['id']
    >>> lint_cypher("MATCH (p:Person) SET p.name = 'x'")
    Traceback (most recent call last):
    ...
    clawback.queries.registry.ReadOnlyError: line 1: read-only: SET writes; queries may only read
    """
    toks = _tokens(cypher, first_line)
    labels = set(schema.nodes)
    rel_types = set(schema.relationships)
    properties = set(schema.provenance)
    for node in schema.nodes.values():
        properties |= set(node.property_types)
    for rel in schema.relationships.values():
        properties |= set(rel.property_types)
    used: set[str] = set()
    stack: list[tuple[str, bool]] = []   # (bracket, is relationship pattern)
    for i, tok in enumerate(toks):
        prev = toks[i - 1] if i else None
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if tok.kind == "param":
            used.add(tok.value)
            continue
        if tok.kind == "punct":
            if tok.value in "([{":
                is_rel = tok.value == "[" and prev is not None and prev.value in ("-", "<-")
                stack.append((tok.value, is_rel))
            elif tok.value in ")]}" and stack:
                stack.pop()
            elif tok.value == ";" and nxt is not None:
                raise QueryError(f"line {tok.line}: one Cypher statement at a time")
            elif tok.value == ":" and check_schema:
                _check_label(toks, i, stack, labels, rel_types)
            elif tok.value == "." and check_schema and nxt is not None and _name(nxt):
                _check_property(toks, i, properties)
            continue
        if tok.kind != "word" or (prev is not None and prev.value == "."):
            continue
        word = tok.value.upper()
        if nxt is not None and nxt.value == ":" and stack and stack[-1][0] == "{":
            continue  # a map key such as {create: 1}
        if word in _WRITE_WORDS:
            shown = "LOAD CSV" if word == "LOAD" and nxt and nxt.value.upper() == "CSV" else word
            raise ReadOnlyError(f"line {tok.line}: read-only: {shown} writes; "
                                "queries may only read")
        if word == "CALL" and nxt is not None and nxt.value != "{":
            proc = _dotted(toks, i + 1)
            if proc.lower() not in _READ_PROCEDURES:
                raise ReadOnlyError(f"line {tok.line}: read-only: procedure {proc} may write "
                                    "or is not on the read-only list; calls are refused")
    return used


def _dotted(toks: Sequence[_Token], start: int) -> str:
    parts, j = [], start
    while j < len(toks) and _name(toks[j]):
        parts.append(toks[j].value)
        if j + 1 < len(toks) and toks[j + 1].value == ".":
            j += 2
        else:
            break
    return ".".join(parts)


def _check_label(toks: Sequence[_Token], i: int, stack: Sequence[tuple[str, bool]],
                 labels: set[str], rel_types: set[str]) -> None:
    """``:Name`` (and ``|Name``, ``:A:B`` chains) after a variable or an opening bracket."""
    prev = toks[i - 1] if i else None
    if stack and stack[-1][0] == "{" and prev is not None and i >= 2 \
            and toks[i - 2].value in ("{", ","):
        return  # map key
    if prev is None or not (_name(prev) or prev.value in ("(", "[", ")")):
        return
    in_rel = bool(stack) and stack[-1][1]
    known, what = (rel_types, "relationship type") if in_rel else (labels, "label")
    j = i + 1
    while j < len(toks):
        name = _name(toks[j])
        if name is None:
            break
        if name not in known:
            raise QueryError(f"line {toks[j].line}: unknown {what} {name!r}; the schema has: "
                             f"{', '.join(sorted(known))}")
        if j + 2 < len(toks) and toks[j + 1].value in (":", "|"):
            j += 2
        else:
            break


def _check_property(toks: Sequence[_Token], i: int, properties: set[str]) -> None:
    prev = toks[i - 1] if i else None
    name_tok = toks[i + 1]
    after = toks[i + 2] if i + 2 < len(toks) else None
    if after is not None and after.value == "(":
        return  # a namespaced function such as duration.between(...)
    if prev is not None and prev.kind == "word" and prev.value.lower() in _FUNCTION_NAMESPACES \
            and (i < 2 or toks[i - 2].value != "."):
        return
    if name_tok.value not in properties:
        raise QueryError(f"line {name_tok.line}: unknown property {name_tok.value!r}: "
                         "no label or relationship type of the schema has it")


# -- files -----------------------------------------------------------------------------------
_HEADER_RE = re.compile(r"^//\s*([a-z.]+)\s*:\s*(.*?)\s*$")
_PARAM_RE = re.compile(
    r"^(?P<name>[a-z_][a-z0-9_]*)\s+(?P<type>[a-z\[\]]+)(?:\s*=\s*(?P<default>[^|]*?))?\s*"
    r"\|\s*(?P<en>[^|]+?)\s*\|\s*(?P<zh>[^|]+?)\s*$")


def parse_query(text: str, source: str, *, schema: Schema = SCHEMA) -> NamedQuery:
    """Parse and lint one ``.cypher`` file; errors name ``source`` and the line."""
    header: dict[str, str] = {}
    params: list[Param] = []
    lines = text.splitlines()
    body_start = len(lines)
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        m = _HEADER_RE.match(line.strip())
        if not line.lstrip().startswith("//"):
            body_start = n - 1
            break
        if m is None:
            continue  # a free comment
        key, value = m.groups()
        where = f"{source}:{n}"
        if key not in _HEADER_KEYS:
            raise QueryError(f"{where}: unknown header key {key!r}; "
                             f"known: {', '.join(_HEADER_KEYS)}")
        if key == "param":
            params.append(_parse_param(value, where))
            continue
        if key in header:
            raise QueryError(f"{where}: header key {key!r} given twice")
        header[key] = value
    missing = [k for k in _REQUIRED_KEYS if not header.get(k)]
    if missing:
        raise QueryError(f"{source}:1: header lacks {', '.join(missing)}")
    cypher = "\n".join(lines[body_start:]).strip()
    if not cypher:
        raise QueryError(f"{source}:{len(lines)}: no Cypher statement after the header")
    first_line = body_start + 1
    while first_line <= len(lines) and not lines[first_line - 1].strip():
        first_line += 1
    try:
        used = lint_cypher(cypher, schema=schema, first_line=first_line)
    except QueryError as e:
        raise type(e)(f"{source}: {e}") from None
    declared = [p.name for p in params]
    if len(set(declared)) != len(declared):
        raise QueryError(f"{source}: a parameter is declared twice: {declared}")
    if undeclared := sorted(used - set(declared)):
        raise QueryError(f"{source}: undeclared parameter(s) ${', $'.join(undeclared)}")
    if unused := [p for p in declared if p not in used]:
        raise QueryError(f"{source}: declared but unused parameter(s) {', '.join(unused)}")
    if header["portable"] not in ("true", "false"):
        raise QueryError(f"{source}: portable must be true or false, not "
                         f"{header['portable']!r}")
    if not header["version"].isdigit():
        raise QueryError(f"{source}: version must be a whole number, not {header['version']!r}")
    expected = source.rsplit("/", 1)[-1].removesuffix(".cypher")
    if header["name"] != expected:
        raise QueryError(f"{source}: name {header['name']!r} differs from the file name")
    return NamedQuery(
        name=header["name"],
        title={"en": header["title.en"], "zh": header["title.zh"]},
        description={"en": header["description.en"], "zh": header["description.zh"]},
        params=params,
        returns=[c.strip() for c in header["returns"].split(",") if c.strip()],
        audience=header["audience"],
        version=int(header["version"]),
        portable=header["portable"] == "true",
        text=text,
        cypher=cypher,
        source=source,
    )


def _parse_param(value: str, where: str) -> Param:
    m = _PARAM_RE.match(value)
    if m is None:
        raise QueryError(f"{where}: a parameter reads 'NAME TYPE [= DEFAULT] | english | 中文', "
                         f"not {value!r}")
    ptype = m["type"]
    if ptype not in PARAM_TYPES:
        raise QueryError(f"{where}: parameter {m['name']!r} has unknown type {ptype!r}; "
                         f"types: {', '.join(PARAM_TYPES)}")
    default = None
    if m["default"] is not None:
        try:
            default = _coerce(ptype, m["default"].strip(), m["name"])
        except QueryError as e:
            raise QueryError(f"{where}: default: {e}") from None
    return Param(m["name"], ptype, default, {"en": m["en"], "zh": m["zh"]})


def load_library(schema: Schema = SCHEMA) -> dict[str, NamedQuery]:
    """Every query of ``clawback/queries/library``, parsed and linted, by name."""
    library = resources.files("clawback.queries").joinpath("library")
    queries: dict[str, NamedQuery] = {}
    for entry in sorted(library.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".cypher"):
            continue
        text = entry.read_text(encoding="utf-8")
        query = parse_query(text, f"clawback/queries/library/{entry.name}", schema=schema)
        queries[query.name] = query
    return queries


def get(name: str) -> NamedQuery:
    """The named query ``name``; :class:`QueryError` naming the known ones otherwise."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise QueryError(f"unknown query {name!r}; known: {', '.join(sorted(REGISTRY))}"
                         ) from None


# -- parameters ------------------------------------------------------------------------------
_TRUE = {"true", "1", "yes", "y", "是"}
_FALSE = {"false", "0", "no", "n", "否"}


def _coerce(ptype: str, value: Any, name: str) -> Any:
    """One parameter value, from its text (CLI) or a Python value, to its declared type."""
    bad = QueryError(f"parameter {name!r} must be {ptype}, not {value!r}")
    if ptype == "string":
        if not isinstance(value, str):
            raise bad
        return value
    if ptype in ("int", "days"):
        if isinstance(value, bool):
            raise bad
        if isinstance(value, dt.timedelta) and ptype == "days":
            value = value.days
        if isinstance(value, str):
            if not re.fullmatch(r"[+-]?[0-9]+", value.strip()):
                raise bad
            value = int(value)
        if not isinstance(value, int):
            raise bad
        if ptype == "days":
            if value < 0:
                raise QueryError(f"parameter {name!r} must be a number of days >= 0, "
                                 f"not {value}")
            return dt.timedelta(days=value)
        return value
    if ptype == "float":
        if isinstance(value, bool):
            raise bad
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise bad from None
        if not math.isfinite(number):
            raise bad
        return number
    if ptype == "date":
        if isinstance(value, dt.datetime):
            raise bad
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise QueryError(f"parameter {name!r} must be a date (YYYY-MM-DD), "
                             f"not {value!r}") from None
    if ptype == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise bad
    if ptype == "list[string]":
        if isinstance(value, str):
            return [v.strip() for v in value.split(",") if v.strip()]
        if isinstance(value, Sequence) and all(isinstance(v, str) for v in value):
            return list(value)
        raise bad
    raise QueryError(f"parameter {name!r} has unknown type {ptype!r}")


def coerce_params(query: NamedQuery, values: Mapping[str, Any] | None) -> dict[str, Any]:
    """Validate ``values`` against ``query``'s parameters: refuse unknown names and missing
    required ones, convert each value to its type and fill in the defaults."""
    values = dict(values or {})
    known = {p.name for p in query.params}
    if unknown := sorted(set(values) - known):
        raise QueryError(f"query {query.name!r} takes no parameter {', '.join(unknown)}; "
                         f"it takes: {', '.join(p.name for p in query.params) or 'none'}")
    out: dict[str, Any] = {}
    for p in query.params:
        if p.name in values and values[p.name] is not None:
            out[p.name] = _coerce(p.type, values[p.name], p.name)
        elif p.required:
            raise QueryError(f"query {query.name!r} needs parameter {p.name!r} ({p.type}): "
                             f"{p.description.get('en', '')}")
        else:
            out[p.name] = p.default
    return out


# -- running ---------------------------------------------------------------------------------
def _native(value: Any) -> Any:
    """Engine values (nested driver temporals included) as plain Python values."""
    if isinstance(value, list | tuple):
        return [_native(v) for v in value]
    if isinstance(value, dict):
        return {k: _native(v) for k, v in value.items()}
    to_native = getattr(value, "to_native", None)
    if callable(to_native) and not isinstance(value, dt.date | dt.datetime):
        return _native(to_native())
    return value


def _store_error(e: ClawbackError) -> ClawbackError:
    """A write the engine refused, said in the words the CLI promises ("read-only")."""
    text = str(e)
    if re.search(r"read[- ]only|write operations|Writing in read access mode|"
                 r"not allowed.*write|write.*not allowed", text, re.IGNORECASE):
        return ReadOnlyError(f"read-only: the store refused a write ({text})")
    return e


def _query(store: GraphStore, cypher: str, params: Mapping[str, Any]) -> QueryResult:
    try:
        result = store.query(cypher, params)
    except ClawbackError as e:
        raised = _store_error(e)
        if raised is e:
            raise
        raise raised from e
    return QueryResult(list(result.columns), [[_native(v) for v in row] for row in result.rows])


def _is_neo4j(store: GraphStore) -> bool:
    from clawback.graph.neo4j_store import Neo4jStore

    return isinstance(store, Neo4jStore)


def run_named(store: GraphStore, name: str, params: Mapping[str, Any] | None = None
              ) -> QueryResult:
    """Run the named query ``name`` on ``store`` with ``params`` (validated and coerced,
    defaults applied), in the store's read-only transaction."""
    query = get(name)
    values = coerce_params(query, params)
    if not query.portable and not _is_neo4j(store):
        raise QueryError(f"query {name!r} uses Cypher only Neo4j runs (portable: false); "
                         f"run it with --neo4j URI, not on the embedded store "
                         f"{store.location}")
    return _query(store, query.cypher, values)


def run_adhoc(store: GraphStore, cypher: str, params: Mapping[str, Any] | None = None
              ) -> QueryResult:
    """Run ad-hoc Cypher: linted for writes first, then in the store's read-only transaction
    (which refuses writes on its own too)."""
    lint_cypher(cypher, check_schema=False)
    return _query(store, cypher, dict(params or {}))


# -- hashing ---------------------------------------------------------------------------------
def _canonical(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return f"P{value.days}D" if not value.seconds else str(value.total_seconds())
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in sorted(value.items())}
    return value


def canonical_rows(result: QueryResult) -> dict[str, Any]:
    """The result as JSON-ready data: dates and times in ISO 8601, lists and maps recursed."""
    return {"columns": list(result.columns),
            "rows": [[_canonical(v) for v in row] for row in result.rows]}


def result_sha256(result: QueryResult) -> str:
    """Hex SHA-256 of the result's canonical JSON (columns and rows, in order): the same rows
    give the same hash on either engine.

    >>> result_sha256(QueryResult(["a"], [[1]])) == result_sha256(QueryResult(["a"], [[1]]))
    True
    """
    data = json.dumps(canonical_rows(result), ensure_ascii=False, sort_keys=True,
                      separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


REGISTRY: dict[str, NamedQuery] = load_library()
