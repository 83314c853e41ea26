"""Join codes: one secret per role, readable aloud and typeable, compared in constant time.

A code is 128 random bits written in Crockford's base32 (digits and capitals without I, L, O
and U), in groups of four joined by ``-``: ``7WQ3-M0KD-…``. People misread and mistype, so
:func:`normalise` takes lower case, spaces for hyphens and the letters Crockford maps to digits
(I and L to 1, O to 0). Codes live only in the host's memory (and in a ``--codes`` file the
facilitator asked for): never in the log.

>>> len(new_code().replace("-", ""))
26
>>> normalise(" 7wq3 m0kd-iloo ") == "7WQ3-M0KD-1100"
True
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable, Mapping

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford's base32: 32 symbols, none that looks like another."""

BITS = 128
"""Random bits per code."""

_GROUP = 4
_SYMBOLS = -(-BITS // 5)  # 26 symbols carry 130 bits: the top two are always zero
_READ_AS = {"I": "1", "L": "1", "O": "0"}


def new_code() -> str:
    """A fresh code: :data:`BITS` random bits from :mod:`secrets`, grouped for reading."""
    n = secrets.randbits(BITS)
    symbols = []
    for _ in range(_SYMBOLS):
        n, r = divmod(n, 32)
        symbols.append(ALPHABET[r])
    text = "".join(reversed(symbols))
    return "-".join(text[i : i + _GROUP] for i in range(0, len(text), _GROUP))


def normalise(text: str) -> str:
    """A typed code in the form :func:`new_code` writes: upper case, I/L → 1, O → 0, runs of
    spaces, hyphens or underscores → one hyphen, regrouped in fours. Text that cannot be a
    code comes back cleaned but will match nothing."""
    cleaned = "".join(_READ_AS.get(c, c) for c in text.upper() if c not in " -_\t\r\n")
    return "-".join(cleaned[i : i + _GROUP] for i in range(0, len(cleaned), _GROUP))


def new_codes(roles: Iterable[str]) -> dict[str, str]:
    """A new code for each role (all different)."""
    codes: dict[str, str] = {}
    for role in roles:
        codes[role] = new_code()
    if len(set(codes.values())) != len(codes):  # pragma: no cover - 2^-128
        return new_codes(codes)
    return codes


def role_for(codes: Mapping[str, str], typed: str) -> str | None:
    """The role whose code ``typed`` is (after :func:`normalise`), or None.

    Every role's code is compared, each in constant time, whatever matched earlier: how long
    the answer takes says nothing about which code came close."""
    given = normalise(typed).encode("utf-8")
    found = None
    for role, code in codes.items():
        if hmac.compare_digest(given, code.encode("utf-8")) and found is None:
            found = role
    return found


__all__ = ["ALPHABET", "BITS", "new_code", "new_codes", "normalise", "role_for"]
