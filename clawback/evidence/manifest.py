"""The manifest of a bundle: the SHA-256 of every file and a Merkle root over them.

The tree, precisely (docs/bundles.md):

- one leaf per file listed in the manifest, ordered by path (byte order of the UTF-8 path):
  ``leaf = sha256(path_utf8 + b"\\x00" + file_sha256_hex_ascii)``;
- each level pairs neighbours left to right: ``node = sha256(left + right)`` over the 32-byte
  digests; an odd last node is promoted to the next level unchanged;
- the root is the single node left, written as hex; a bundle of no files has the root
  ``sha256(b"")``.

``manifest.json`` itself (and ``signature.json``) are not leaves; its ``created_at`` field is the
one value of a bundle that changes from one export to the next and is outside the root.

>>> leaves = {"a.txt": sha256_hex(b"a"), "b.txt": sha256_hex(b"b")}
>>> merkle_root(leaves) == merkle_root(dict(reversed(list(leaves.items()))))
True
>>> merkle_root({}) == sha256_hex(b"")
True
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from clawback.errors import ClawbackError

__all__ = ["MANIFEST", "MANIFEST_FORMAT", "SIGNATURE", "build_manifest", "canonical_json",
           "merkle_root", "parse_manifest", "sha256_hex"]

MANIFEST = "manifest.json"
SIGNATURE = "signature.json"
MANIFEST_FORMAT = "clawback-bundle/1"
_KEYS = {"format", "hash", "merkle", "created_at", "files", "merkle_root"}
_MERKLE = "sha256(path NUL file-hash) leaves sorted by path; pairwise sha256; odd promoted"


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of ``data`` as lowercase hex."""
    return hashlib.sha256(data).hexdigest()


def canonical_json(value: Any) -> bytes:
    """JSON with sorted keys, no spaces, UTF-8: the bytes that get hashed."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def merkle_root(file_hashes: Mapping[str, str]) -> str:
    """The Merkle root (hex) over ``path -> sha256 hex`` as defined in the module docstring."""
    paths = sorted(file_hashes, key=lambda p: p.encode("utf-8"))
    level = [hashlib.sha256(p.encode("utf-8") + b"\x00" + file_hashes[p].encode("ascii"))
             .digest() for p in paths]
    if not level:
        return sha256_hex(b"")
    while len(level) > 1:
        nxt = [hashlib.sha256(level[i] + level[i + 1]).digest()
               for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0].hex()


def build_manifest(files: Mapping[str, bytes], created_at: str) -> dict[str, Any]:
    """The manifest of ``files`` (path -> content): hashes, sizes and the Merkle root."""
    listed: dict[str, dict[str, Any]] = {p: {"sha256": sha256_hex(data), "size": len(data)}
              for p, data in sorted(files.items(), key=lambda kv: kv[0].encode("utf-8"))}
    return {"format": MANIFEST_FORMAT, "hash": "sha256", "merkle": _MERKLE,
            "created_at": created_at, "files": listed,
            "merkle_root": merkle_root({p: str(v["sha256"]) for p, v in listed.items()})}


def parse_manifest(data: bytes) -> dict[str, Any]:
    """Read a manifest, refusing one whose structure is not the format's (ClawbackError)."""
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ClawbackError(f"{MANIFEST} is not valid JSON: {e}") from e
    if not isinstance(manifest, dict) or set(manifest) != _KEYS:
        got = sorted(manifest) if isinstance(manifest, dict) else type(manifest).__name__
        raise ClawbackError(f"{MANIFEST} has fields {got}, expected {sorted(_KEYS)}")
    if (manifest["format"], manifest["hash"], manifest["merkle"]) != (
            MANIFEST_FORMAT, "sha256", _MERKLE):
        raise ClawbackError(f"{MANIFEST} is not a {MANIFEST_FORMAT} manifest")
    files = manifest["files"]
    if not isinstance(files, dict) or not all(
            isinstance(v, dict) and set(v) == {"sha256", "size"} for v in files.values()):
        raise ClawbackError(f"{MANIFEST}: 'files' must map each path to its sha256 and size")
    return manifest
