"""Suite-wide set-up: the tests never touch the signing key of the machine they run on."""

from __future__ import annotations

import os
import tempfile

# Before any test imports the engine: logs written by tests are signed with a key made for this
# run, in a folder that goes away with it (see detente.engine.signing.key_dir).
os.environ["DETENTE_CONFIG_DIR"] = tempfile.mkdtemp(prefix="detente-test-key-")
