"""Write and verify a court evidence bundle: one zip per case.

Contents (docs/bundles.md): ``report.pdf``, ``records/*.csv`` (every cited record with its
source file, row and load batch, plus the findings), ``graph/subgraph.graphml`` and
``graph/subgraph.json`` (networkx node-link), ``figures/*.png``, ``reproducibility.json``,
``manifest.json`` (SHA-256 of every file, Merkle root) and, when signed, ``signature.json``.

The zip is deterministic: files in a fixed order, a fixed timestamp (1980-01-01), fixed
permissions, DEFLATE at level 9. Two bundles of the same case from the same data and version
are byte-identical except ``created_at`` in ``manifest.json`` (``$CLAWBACK_CREATED_AT`` fixes
it too).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from clawback import __version__
from clawback.algorithms import rules as legal
from clawback.algorithms.score import ScoreResult
from clawback.errors import ClawbackError
from clawback.evidence.collect import CaseEvidence, Subgraph, collect_case, weight_table
from clawback.evidence.figures import graph_figure, timeline_figure
from clawback.evidence.manifest import (
    MANIFEST,
    SIGNATURE,
    build_manifest,
    merkle_root,
    parse_manifest,
    sha256_hex,
)
from clawback.evidence.report import render_report
from clawback.evidence.sign import check_signature, sign_root
from clawback.graph.store import GraphStore

__all__ = ["BundleInfo", "VerifyReport", "bundle_files", "graphml", "node_link",
           "verify_bundle", "write_bundle"]

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
MONEY = frozenset({"amount", "price", "market_value", "claim_amount"})


@dataclass(frozen=True)
class BundleInfo:
    """What :func:`write_bundle` wrote."""

    path: Path
    case_id: str
    merkle_root: str
    files: tuple[str, ...]
    signed: bool


@dataclass
class VerifyReport:
    """The outcome of :func:`verify_bundle`: every difference found, by file."""

    merkle_root: str = ""
    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    signed_by: str | None = None

    @property
    def ok(self) -> bool:
        """True when every file matches and nothing was added or removed."""
        return not (self.changed or self.added or self.removed or self.problems)

    def lines(self) -> list[str]:
        """One line per difference (empty when ok)."""
        return ([f"changed: {p}" for p in self.changed] + [f"added: {p}" for p in self.added]
                + [f"removed: {p}" for p in self.removed] + self.problems)


# -- the files -------------------------------------------------------------------------------
def _cell(column: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.2f}" if column in MONEY else repr(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def _csv(rows: list[dict[str, Any]], columns: list[str]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(c, row.get(c)) for c in columns])
    return buf.getvalue().encode("utf-8")


def _columns(ev: CaseEvidence, table: str) -> list[str]:
    for run in ev.runs:
        if run.rows and table in ("transfers", "accounts", "persons", "companies",
                                  "properties", "relations") and run.query.name == table:
            return list(run.rows[0])
    rows = ev.records[table]
    if rows:
        return list(rows[0])
    defaults = {"title_transfers": ["title_transfer_id", "property_id", "from_party",
                                    "to_party", "date", "price", "market_value", "share",
                                    "registration_ref", "src_file", "src_row", "load_batch"],
                "company_roles": ["party_id", "company_id", "role_id", "role", "share",
                                  "start_date", "end_date", "src_file", "src_row",
                                  "load_batch"]}
    return defaults.get(table, ["id"])


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2, default=str)
            + "\n").encode("utf-8")


def node_link(graph: Subgraph) -> dict[str, Any]:
    """The subgraph in networkx's node-link form (directed multigraph, edges under 'edges')."""
    return {"directed": True, "multigraph": True, "graph": {"name": "clawback case subgraph"},
            "nodes": [{"id": n, **attrs} for n, attrs in graph.nodes.items()],
            "edges": [dict(e) for e in graph.edges]}


def graphml(graph: Subgraph) -> bytes:
    """The subgraph as GraphML (directed; attributes typed string, double or boolean)."""
    def kinds(items: list[dict[str, Any]], skip: set[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for item in items:
            for k, v in item.items():
                if k in skip:
                    continue
                kind = ("boolean" if isinstance(v, bool) else
                        "double" if isinstance(v, float | int) else "string")
                out.setdefault(k, kind)
        return dict(sorted(out.items()))

    node_keys = kinds(list(graph.nodes.values()), set())
    edge_keys = kinds(graph.edges, {"source", "target"})

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        return escape(repr(v) if isinstance(v, float) else str(v))

    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">']
    for prefix, domain, keys in (("n", "node", node_keys), ("e", "edge", edge_keys)):
        for name, kind in keys.items():
            lines.append(f'  <key id={quoteattr(prefix + "_" + name)} for="{domain}" '
                         f'attr.name={quoteattr(name)} attr.type="{kind}"/>')
    lines.append('  <graph id="case" edgedefault="directed">')
    for node_id, attrs in graph.nodes.items():
        lines.append(f"    <node id={quoteattr(node_id)}>")
        lines += [f'      <data key={quoteattr("n_" + k)}>{value(v)}</data>'
                  for k, v in sorted(attrs.items())]
        lines.append("    </node>")
    for e in graph.edges:
        lines.append(f"    <edge source={quoteattr(e['source'])} target={quoteattr(e['target'])}>")
        lines += [f'      <data key={quoteattr("e_" + k)}>{value(v)}</data>'
                  for k, v in sorted(e.items()) if k not in ("source", "target")]
        lines.append("    </edge>")
    lines += ["  </graph>", "</graphml>", ""]
    return "\n".join(lines).encode("utf-8")


def _reproducibility(ev: CaseEvidence, result: ScoreResult, lang: str) -> dict[str, Any]:
    return {
        "case_id": ev.case_id, "software": "clawback", "software_version": __version__,
        "language": lang,
        "parameters": {**ev.parameters,
                       "weights_version": result.provenance.get("weights_version"),
                       "rules_version": legal.RULES_VERSION},
        "seed": ev.parameters["seed"],
        "rule_set": {"version": legal.RULES_VERSION,
                     "jurisdiction": ev.case.get("jurisdiction"),
                     "rules": [w.to_json() for w in ev.rules.values()]},
        "weights": weight_table(),
        "score": ev.score,
        "contributions": ev.contributions,
        "queries": [{"name": run.query.name, "text": run.query.text,
                     "sha256": run.query.sha256,
                     "parameters": {k: v for k, v in sorted(run.parameters.items())},
                     "rows": len(run.rows),
                     "result_sha256": sha256_hex(
                         json.dumps(run.rows, sort_keys=True, default=str,
                                    ensure_ascii=False).encode("utf-8"))}
                    for run in ev.runs],
        "input_files": [{"batch_id": b["batch_id"], "software_version": b["software_version"],
                         "files": b["files"]} for b in ev.batches],
    }


def bundle_files(store: GraphStore, result: ScoreResult, case_id: str, lang: str = "zh"
                 ) -> dict[str, bytes]:
    """Every file of the bundle of ``case_id`` except the manifest and signature, by path."""
    if lang not in ("en", "zh"):
        raise ClawbackError(f"language {lang!r} is not 'en' or 'zh'")
    ev = collect_case(store, result, case_id)
    g_png, t_png = graph_figure(ev, lang), timeline_figure(ev, lang)
    repro = _reproducibility(ev, result, lang)
    files: dict[str, bytes] = {
        "report.pdf": render_report(ev, lang, g_png, t_png, repro["parameters"]
                                    | {"seed": ev.parameters["seed"]}),
        "figures/graph.png": g_png,
        "figures/timeline.png": t_png,
        "graph/subgraph.graphml": graphml(ev.subgraph),
        "graph/subgraph.json": _json(node_link(ev.subgraph)),
        "records/findings.csv": _csv(ev.findings, ["signal", "strength", "amount",
                                                   "explanation_en", "explanation_zh",
                                                   "evidence", "rule_ids", "related"]),
        "reproducibility.json": _json(repro),
    }
    for table in ev.records:
        files[f"records/{table}.csv"] = _csv(ev.records[table], _columns(ev, table))
    return dict(sorted(files.items()))


def _created_at() -> str:
    epoch = os.environ.get("CLAWBACK_CREATED_AT")
    when = (dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch
            else dt.datetime.now(dt.UTC).replace(microsecond=0))
    return when.isoformat().replace("+00:00", "Z")


def _zip_write(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o100644 << 16
    info.create_system = 3
    zf.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)


def write_bundle(store: GraphStore, result: ScoreResult, case_id: str, out: str | Path, *,
                 lang: str = "zh", key: Ed25519PrivateKey | None = None) -> BundleInfo:
    """Write the bundle of ``case_id`` to ``out`` (replaced whole; a reader never sees half).

    With ``key``, ``signature.json`` signs the Merkle root."""
    files = bundle_files(store, result, case_id, lang)
    manifest = build_manifest(files, _created_at())
    extra = {MANIFEST: _json(manifest)}
    if key is not None:
        extra[SIGNATURE] = _json(sign_root(key, manifest["merkle_root"]))
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.partial")
    try:
        with zipfile.ZipFile(tmp, "w") as zf:
            for name, data in [*files.items(), *extra.items()]:
                _zip_write(zf, name, data)
        tmp.replace(out)
    except OSError as e:
        raise ClawbackError(f"cannot write the bundle {out}: {e}") from e
    finally:
        tmp.unlink(missing_ok=True)
    return BundleInfo(out, case_id, manifest["merkle_root"], tuple([*files, *extra]),
                      key is not None)


# -- verification ----------------------------------------------------------------------------
def _read_zip(path: Path) -> tuple[dict[str, bytes], list[str]]:
    problems = []
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            dupes = sorted({n for n in names if names.count(n) > 1})
            if dupes:
                problems.append(f"duplicate entries in the zip: {', '.join(dupes)}")
            contents = {}
            for info in zf.infolist():
                try:
                    contents[info.filename] = zf.read(info)
                except (zipfile.BadZipFile, ValueError, OSError) as e:
                    problems.append(f"changed: {info.filename} (unreadable: {e})")
                    contents[info.filename] = b""
    except (zipfile.BadZipFile, OSError) as e:
        raise ClawbackError(f"{path} is not a readable zip: {e}") from e
    return contents, problems


def verify_bundle(path: str | Path, pubkey: Ed25519PublicKey | None = None) -> VerifyReport:
    """Check a bundle: every file against the manifest, nothing added or removed, the Merkle
    root, and the signature (required when ``pubkey`` is given)."""
    report = VerifyReport()
    contents, problems = _read_zip(Path(path))
    report.problems += [p for p in problems if not p.startswith("changed: ")]
    unreadable = {p.split(" ", 2)[1] for p in problems if p.startswith("changed: ")}
    if MANIFEST not in contents:
        report.problems.append(f"removed: {MANIFEST} (nothing can be checked without it)")
        return report
    try:
        manifest = parse_manifest(contents[MANIFEST])
    except ClawbackError as e:
        report.problems.append(f"changed: {MANIFEST}: {e}")
        return report
    listed: Mapping[str, Any] = manifest["files"]
    actual = {n: sha256_hex(d) for n, d in contents.items() if n not in (MANIFEST, SIGNATURE)}
    report.changed = sorted(n for n in listed if n in actual
                            and (actual[n] != listed[n]["sha256"] or n in unreadable
                                 or len(contents[n]) != listed[n]["size"]))
    report.removed = sorted(n for n in listed if n not in actual)
    report.added = sorted(n for n in actual if n not in listed)
    root = merkle_root({n: v["sha256"] for n, v in listed.items()})
    report.merkle_root = str(manifest["merkle_root"])
    if root != manifest["merkle_root"]:
        report.problems.append(f"bad root: manifest.json says {manifest['merkle_root']}, its "
                               f"file hashes give {root} (the manifest was edited)")
    if SIGNATURE in contents:
        sig_problems = check_signature(contents[SIGNATURE], str(manifest["merkle_root"]), pubkey)
        report.problems += sig_problems
        if not sig_problems:
            try:
                report.signed_by = str(json.loads(contents[SIGNATURE])["key_id"])
            except (ValueError, KeyError):
                report.signed_by = "?"
    elif pubkey is not None:
        report.problems.append(f"bad signature: the bundle is not signed ({SIGNATURE} is "
                               "missing) but a public key was given")
    return report
