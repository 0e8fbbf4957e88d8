"""``clawback bundle``, ``verify``, ``keygen`` and ``audit``."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from clawback.cli_common import DEFAULT_STORE, Lang, Neo4jOpt, StoreOpt, out, user_errors
from clawback.errors import ClawbackError

__all__ = ["register"]

_MSG = {
    "bundle": ("wrote {out}: case {case}, {n} files, Merkle root {root}{signed}",
               "已写入 {out}：案件 {case}，{n} 个文件，Merkle 根 {root}{signed}"),
    "signed": ("; signed", "；已签名"),
}


LogOpt = Annotated[Path | None, typer.Option(
    "--log", help="The audit log file (default: the store's, STORE/audit/audit.jsonl).")]


def _msg(key: str, lang: Lang, **kw: object) -> str:
    en, zh = _MSG[key]
    return (zh if lang is Lang.zh else en).format(**kw)


def _log_for(store: Path, neo4j: str | None, log: Path | None):  # -> AuditLog
    from clawback.evidence.audit import AuditLog, default_audit_log

    if log is not None:
        return AuditLog(log)
    return default_audit_log(store, neo4j, os.environ.get("NEO4J_DATABASE"))


def register(app: typer.Typer) -> None:
    """Add the evidence commands to ``app``."""
    audit_app = typer.Typer(help="The hash-chained audit log of bundle exports and query runs.",
                            no_args_is_help=True)
    app.add_typer(audit_app, name="audit")

    @app.command()
    @user_errors
    def bundle(
        case_id: Annotated[str, typer.Argument(help="The case to bundle, e.g. CASE000001.")],
        out_file: Annotated[Path, typer.Option("--out", help="The bundle to write (.zip).")],
        store: StoreOpt = DEFAULT_STORE,
        neo4j: Neo4jOpt = None,
        lang: Annotated[Lang, typer.Option(help="Language of the report: zh or en.")] = Lang.zh,
        sign: Annotated[Path | None, typer.Option(
            "--sign", metavar="KEYFILE",
            help="Sign the Merkle root with this Ed25519 private key (clawback keygen).")]
        = None,
        seed: Annotated[int, typer.Option(help="Seed of every randomized step.")] = 7,
    ) -> None:
        """Write a court evidence bundle for one case: report.pdf, the cited records (CSV),
        the subgraph (GraphML, JSON), reproducibility.json and manifest.json (SHA-256 of every
        file, Merkle root), optionally signed. The export is recorded in the audit log."""
        from clawback.algorithms.results import results_dir, scored
        from clawback.evidence.bundle import write_bundle
        from clawback.evidence.sign import load_private_key
        from clawback.graph.open import open_store

        key = load_private_key(sign) if sign is not None else None
        database = os.environ.get("NEO4J_DATABASE")
        with open_store(store, neo4j, read_only=True) as st:
            result = scored(st, results_dir(store, neo4j, database), seed=seed)
            info = write_bundle(st, result, case_id, out_file, lang=lang.value, key=key)
        _log_for(store, neo4j, None).append(
            action="bundle", target=case_id, result_hash=info.merkle_root,
            parameters={"out": str(out_file), "lang": lang.value, "seed": seed,
                        "signed": info.signed,
                        "store": neo4j if neo4j else str(store)})
        out.print(_msg("bundle", lang, out=out_file, case=case_id, n=len(info.files),
                       root=info.merkle_root, signed=_msg("signed", lang) if info.signed
                       else ""), highlight=False, soft_wrap=True)

    @app.command()
    @user_errors
    def verify(
        bundle_file: Annotated[Path, typer.Argument(help="The bundle (.zip) to check.")],
        pubkey: Annotated[Path | None, typer.Option(
            help="Require a valid signature by this Ed25519 public key (KEYFILE.pub).")]
        = None,
    ) -> None:
        """Check a bundle: exit 0 only if every file matches its manifest hash, nothing was
        added or removed, the Merkle root holds and (with --pubkey) the signature is valid;
        otherwise list each difference and exit 1."""
        from clawback.evidence.bundle import verify_bundle
        from clawback.evidence.sign import load_public_key

        if not bundle_file.is_file():
            raise ClawbackError(f"no bundle at {bundle_file}")
        key = load_public_key(pubkey) if pubkey is not None else None
        report = verify_bundle(bundle_file, key)
        if not report.ok:
            for line in report.lines():
                out.print(line, highlight=False, soft_wrap=True)
            out.print(f"FAILED: {bundle_file} ({len(report.lines())} differences)",
                      highlight=False, soft_wrap=True)
            raise typer.Exit(1)
        signed = f", signed by key {report.signed_by}" if report.signed_by else ", not signed"
        out.print(f"OK: {bundle_file}: every file matches, Merkle root "
                  f"{report.merkle_root}{signed}", highlight=False, soft_wrap=True)

    @app.command()
    @user_errors
    def keygen(
        out_file: Annotated[Path, typer.Option(
            "--out", help="Private key file to write (PEM, mode 0600); the public key goes "
                          "to FILE.pub.")],
        force: Annotated[bool, typer.Option(help="Overwrite an existing key.")] = False,
    ) -> None:
        """Create an Ed25519 key pair for signing bundles (--sign) and checking them
        (verify --pubkey)."""
        from clawback.evidence.sign import generate_keypair, key_id, load_public_key

        private, public = generate_keypair(out_file, overwrite=force)
        out.print(f"wrote {private} (private, 0600) and {public}; key id "
                  f"{key_id(load_public_key(public))}", highlight=False, soft_wrap=True)

    @audit_app.command("verify")
    @user_errors
    def audit_verify(
        store: StoreOpt = DEFAULT_STORE,
        neo4j: Neo4jOpt = None,
        log: LogOpt = None,
        expect_head: Annotated[str | None, typer.Option(
            help="The head hash recorded elsewhere; the log must end at it.")] = None,
    ) -> None:
        """Check the audit log's hash chain: exit 1 naming each edited, removed or reordered
        entry."""
        audit = _log_for(store, neo4j, log)
        if not audit.path.exists():
            raise ClawbackError(f"no audit log at {audit.path}")
        report = audit.verify(expect_head)
        if not report.ok:
            for problem in report.problems:
                out.print(problem, highlight=False, soft_wrap=True)
            out.print(f"FAILED: {audit.path} ({len(report.problems)} problems)",
                      highlight=False, soft_wrap=True)
            raise typer.Exit(1)
        out.print(f"OK: {audit.path}: {report.entries} entries, head {report.head}",
                  highlight=False, soft_wrap=True)

    @audit_app.command("show")
    @user_errors
    def audit_show(
        store: StoreOpt = DEFAULT_STORE,
        neo4j: Neo4jOpt = None,
        log: LogOpt = None,
        as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")]
        = False,
    ) -> None:
        """List the audit log's entries."""
        audit = _log_for(store, neo4j, log)
        entries = audit.entries()
        if as_json:
            for entry in entries:
                out.print(json.dumps(entry, ensure_ascii=False, sort_keys=True),
                          highlight=False, soft_wrap=True)
            return
        table = Table(title=str(audit.path))
        for col in ("seq", "time", "actor", "action", "target", "result_hash"):
            table.add_column(col)
        for e in entries:
            table.add_row(str(e.get("seq")), str(e.get("time")), str(e.get("actor")),
                          str(e.get("action")), str(e.get("target")),
                          str(e.get("result_hash", ""))[:16])
        out.print(table)
