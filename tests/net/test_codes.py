"""Join codes: 128 random bits a person can read aloud and type, forgiving of case and look-alikes."""

from __future__ import annotations

import re

from detente.net.codes import ALPHABET, new_code, new_codes, normalise, role_for


def test_a_code_is_128_bits_in_groups_of_four_crockford_symbols() -> None:
    code = new_code()
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{1,4})+", code), code
    digits = code.replace("-", "")
    value = 0
    for c in digits:
        value = value * 32 + ALPHABET.index(c)
    assert value < 2**128
    assert len({new_code() for _ in range(200)}) == 200


def test_typed_codes_are_forgiven_case_spaces_and_look_alikes() -> None:
    codes = {"blue": "1100-ABCD-EF01", "red": "2222-3333-4444"}
    assert role_for(codes, "1100-ABCD-EF01") == "blue"
    assert role_for(codes, " iloo abcd ef0l ") == "blue"
    assert role_for(codes, "ILOOABCDEFOI") == "blue"
    assert role_for(codes, "2222 3333 4444") == "red"
    assert normalise("ab cd-ef") == "ABCD-EF"


def test_a_near_miss_or_another_roles_code_opens_nothing_else() -> None:
    codes = new_codes(["blue", "red", "facilitator", "spectator"])
    assert len(set(codes.values())) == 4
    for role, code in codes.items():
        assert role_for(codes, code) == role
        wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
        assert role_for(codes, wrong) is None
    assert role_for(codes, "") is None
    assert role_for(codes, codes["blue"] + "0") is None
