"""Suite-wide set-up: the tests never touch the signing key of the machine they run on."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

# Before any test imports the engine: logs written by tests are signed with a key of this run's
# own, in a folder that goes away with it (see detente.engine.signing.key_dir). The key is the
# same every run, so the dice secret it derives, and every screen that shows a roll, are too.
_folder = Path(tempfile.mkdtemp(prefix="detente-test-key-"))
_key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
(_folder / "signing-key.pem").write_bytes(
    _key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
)
os.environ["DETENTE_CONFIG_DIR"] = str(_folder)
