"""Ed25519 signatures over a bundle's Merkle root.

``clawback keygen --out KEYFILE`` writes the private key (PKCS#8 PEM, mode 0600) and
``KEYFILE.pub`` (SubjectPublicKeyInfo PEM). ``signature.json`` in a signed bundle holds the
algorithm, the signed message (the Merkle root, hex, as ASCII bytes), the signer's public key
(raw, base64), its key id (SHA-256 of the raw public key) and the signature (base64). Ed25519
signatures are deterministic: the same key and root give the same file.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from clawback.errors import ClawbackError

__all__ = ["check_signature", "generate_keypair", "key_id", "load_private_key",
           "load_public_key", "sign_root"]

ALGORITHM = "Ed25519"


def _raw(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public: Ed25519PublicKey) -> str:
    """The key id: SHA-256 (hex) of the raw 32-byte public key."""
    return hashlib.sha256(_raw(public)).hexdigest()


def generate_keypair(out: str | Path, *, overwrite: bool = False) -> tuple[Path, Path]:
    """Write a new Ed25519 private key to ``out`` (0600) and its public key to ``out.pub``.

    Refuses (ClawbackError) to overwrite an existing key unless ``overwrite``."""
    private_path = Path(out)
    public_path = private_path.with_name(private_path.name + ".pub")
    if not overwrite and (private_path.exists() or public_path.exists()):
        raise ClawbackError(f"{private_path} or {public_path} already exists; not overwriting")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    private_path.parent.mkdir(parents=True, exist_ok=True)
    if private_path.exists():
        private_path.unlink()
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    os.chmod(private_path, 0o600)
    public_path.write_bytes(key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    return private_path, public_path


def load_private_key(path: str | Path) -> Ed25519PrivateKey:
    """The Ed25519 private key in the PEM file ``path`` (ClawbackError naming it otherwise)."""
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as e:
        raise ClawbackError(f"cannot read the private key {path}: {e}") from e
    if not isinstance(key, Ed25519PrivateKey):
        raise ClawbackError(f"{path} is not an Ed25519 private key")
    return key


def load_public_key(path: str | Path) -> Ed25519PublicKey:
    """The Ed25519 public key in the PEM file ``path`` (ClawbackError naming it otherwise)."""
    try:
        key = serialization.load_pem_public_key(Path(path).read_bytes())
    except (OSError, ValueError) as e:
        raise ClawbackError(f"cannot read the public key {path}: {e}") from e
    if not isinstance(key, Ed25519PublicKey):
        raise ClawbackError(f"{path} is not an Ed25519 public key")
    return key


def sign_root(key: Ed25519PrivateKey, root: str) -> dict[str, Any]:
    """The content of signature.json for the Merkle root ``root``."""
    public = key.public_key()
    return {"algorithm": ALGORITHM, "signed": "merkle_root", "merkle_root": root,
            "key_id": key_id(public),
            "public_key": base64.b64encode(_raw(public)).decode("ascii"),
            "signature": base64.b64encode(key.sign(root.encode("ascii"))).decode("ascii")}


def check_signature(data: bytes, root: str, trusted: Ed25519PublicKey | None) -> list[str]:
    """Problems with signature.json ``data`` for the bundle's root ``root``; empty when it is a
    valid signature of ``root`` by the key it names, and by ``trusted`` when given."""
    try:
        sig = json.loads(data.decode("utf-8"))
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(sig["public_key"]))
        signature = base64.b64decode(sig["signature"])
        algorithm, signed_root = sig["algorithm"], sig["merkle_root"]
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as e:
        return [f"bad signature: signature.json is unreadable ({e})"]
    problems = []
    if algorithm != ALGORITHM:
        problems.append(f"bad signature: algorithm {algorithm!r} is not {ALGORITHM}")
    if signed_root != root:
        problems.append(f"bad signature: it signs root {signed_root}, the bundle's is {root}")
    try:
        public.verify(signature, root.encode("ascii"))
    except InvalidSignature:
        problems.append("bad signature: the signature does not verify over the Merkle root")
    if trusted is not None and _raw(trusted) != _raw(public):
        problems.append(f"bad signature: signed by key {key_id(public)[:16]}, not by the given "
                        f"public key {key_id(trusted)[:16]}")
    return problems
