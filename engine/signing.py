"""The facilitator's signing key: who vouches for a log.

The hash chain in :mod:`detente.engine.log` catches accidental damage, but anyone who edits a
line can recompute the chain. So each command group also carries an Ed25519 signature over the
chain head at the end of the group, made with a key that stays on the facilitator's machine
(``~/.config/detente/signing-key.pem``, created on first use, readable only by its owner). The
header names the public key; a reader can then say whether a log was signed by *this machine's*
key, by *another* key (a log brought from another laptop, or forged and re-signed), or not at
all, and refuses a signature that does not match.

The key also derives each session's dice secret (see :func:`dice_secret`), so that a seed shown
to a team predicts nothing while the same scenario, seed and orders still give the same dice on
this machine.

This module is an edge, like the log writer: it reads and writes the key file.

>>> key = Key.generate()
>>> signature = key.sign("ab" * 32)
>>> check(key.public, "ab" * 32, signature)
True
>>> check(key.public, "cd" * 32, signature)
False
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from detente.engine.log import Signatures

__all__ = [
    "KEY_FILE",
    "Key",
    "check",
    "describe",
    "dice_secret",
    "fingerprint",
    "key_dir",
    "machine_key",
    "remember_head",
    "remembered_head",
]

KEY_FILE = "signing-key.pem"
"""The private key's file name in :func:`key_dir`."""

_CONTEXT = b"detente-log-signature:v1:"


def key_dir() -> Path:
    """Where this machine keeps Détente's key: ``$DETENTE_CONFIG_DIR``, else
    ``$XDG_CONFIG_HOME/detente``, else ``~/.config/detente`` — never inside ``sessions/``."""
    explicit = os.environ.get("DETENTE_CONFIG_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "detente"


def _message(chain_head: str) -> bytes:
    return _CONTEXT + bytes.fromhex(chain_head)


class Key:
    """An Ed25519 private key and its public half, as hex."""

    def __init__(self, private: Ed25519PrivateKey) -> None:
        from cryptography.hazmat.primitives import serialization

        self._private = private
        raw = private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.public: str = raw.hex()
        """The public key, 64 hex digits, as the log header names it."""

    @classmethod
    def generate(cls) -> Key:
        """A new random key (for tests and first use)."""
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        return cls(Ed25519PrivateKey.generate())

    def sign(self, chain_head: str) -> str:
        """The signature (128 hex digits) of a chain head (64 hex digits)."""
        return bytes(self._private.sign(_message(chain_head))).hex()

    def secret(self, label: str) -> str:
        """A 128-bit value derived from the key and ``label``: unpredictable without the key."""
        from cryptography.hazmat.primitives import serialization

        raw = self._private.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )
        return hmac.new(raw, label.encode(), hashlib.sha256).hexdigest()[:32]


def check(public: str, chain_head: str, signature: str) -> bool:
    """Whether ``signature`` is ``public``'s signature of ``chain_head``; False for any malformed
    input, never an exception."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public))
        key.verify(bytes.fromhex(signature), _message(chain_head))
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def fingerprint(public: str) -> str:
    """A short, readable name for a public key: ``SHA256:1a2b 3c4d 5e6f 7a8b``."""
    digest = hashlib.sha256(public.encode()).hexdigest()[:16]
    return "SHA256:" + " ".join(digest[i : i + 4] for i in range(0, 16, 4))


def machine_key(*, create: bool = True) -> Key | None:
    """This machine's key, created on first use when ``create``; None when there is none and it
    cannot (or may not) be created — the caller then writes an unsigned log and says so.

    A key file that exists but does not read raises :class:`OSError` with a plain message:
    silently making a new key would disown every log signed so far.
    """
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = key_dir() / KEY_FILE
    try:
        data = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        if not create:
            return None
        return _create(path)
    try:
        private = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        private = None
    if not isinstance(private, Ed25519PrivateKey):
        raise OSError(f"{path}: not a Détente signing key; move it away to make a new one "
                      "(logs signed with it will then read as signed by another key)")
    return Key(private)


def _create(path: Path) -> Key | None:
    from cryptography.hazmat.primitives import serialization

    key = Key.generate()
    pem = key._private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    tmp = path.with_name(f".{KEY_FILE}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, pem)
            os.fsync(fd)
        finally:
            os.close(fd)
        # Written whole, then linked into place: two first runs at once must not each sign with
        # a key of their own, nor read a half-written one.
        os.link(tmp, path)
    except FileExistsError:
        return machine_key(create=False)
    except OSError:
        return None  # a read-only home: the log is written unsigned, and the caller says so
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    return key


def dice_secret(key: Key | None, seed: int) -> str:
    """The session secret the dice mix with the seed: derived from this machine's key and the
    seed, so the same scenario, seed and orders give the same dice here, while the seed alone
    (which a team may learn) predicts nothing. Empty without a key (the dice then use the seed
    alone, as before signatures)."""
    return key.secret(f"dice:{seed}") if key is not None else ""


def describe(signatures: Signatures, machine: str | None) -> tuple[str, str]:
    """Who vouches for a log, for people: ``(status, sentence)`` where status is ``"this
    machine"``, ``"another key"`` or ``"unsigned"``. ``machine`` is this machine's public key
    (None when it has none). The signatures have been checked by :func:`read_log` already.

    >>> from detente.engine.log import Signatures
    >>> describe(Signatures("ab" * 32, "ab" * 32, 0, ("ab" * 32,)), "ab" * 32)
    ('this machine', "signed by this machine's key")
    >>> describe(Signatures(None, None, 3, ()), "ab" * 32)[0]
    'unsigned'
    """
    last = signatures.last
    if last is None:
        return "unsigned", ("unsigned: nothing vouches that it was not edited (written before Détente "
                            "signed its logs, or where no key could be kept)")
    others = [k for k in signatures.keys if k != last]
    before = []
    if others:
        before.append("its earlier part by " + ", ".join(f"key {fingerprint(k)}" for k in others))
    if signatures.unsigned:
        before.append(f"{signatures.unsigned} earlier command(s) unsigned")
    extra = f" ({'; '.join(before)})" if before else ""
    if last == machine:
        return "this machine", f"signed by this machine's key{extra}"
    return "another key", (f"signed by another key, {fingerprint(last)}, not this machine's: it was "
                           f"written on another machine, or changed and signed again{extra}")


def remember_head(log_id: str, seq: int, sha256: str) -> None:
    """Note, on this machine, the last line it signed in the log ``log_id`` (the header's
    ``sha256``). A signature vouches for what a log holds, not for what was cut off its end; this
    note lets this machine see that lines it wrote are gone. Best effort: never an error."""
    folder = key_dir() / "heads"
    tmp = folder / f".{log_id}.{os.getpid()}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp.write_text(json.dumps({"seq": seq, "sha256": sha256}), encoding="utf-8")
        os.replace(tmp, folder / f"{log_id}.json")
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()


def remembered_head(log_id: str) -> tuple[int, str] | None:
    """``(seq, sha256)`` of the last line this machine signed in log ``log_id``, if it noted one."""
    if not (isinstance(log_id, str) and len(log_id) == 64 and all(c in "0123456789abcdef" for c in log_id)):
        return None
    try:
        note = json.loads((key_dir() / "heads" / f"{log_id}.json").read_text(encoding="utf-8"))
        return int(note["seq"]), str(note["sha256"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
