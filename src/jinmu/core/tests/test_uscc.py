"""The GB 32100-2015 check character."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from jinmu.core.validators import normalize_uscc, uscc_check_character, validate_uscc


@pytest.mark.parametrize("code", ["914403001922038216", "91440300708461136T", "91330100799655058B"])
def test_real_codes_pass(code: str) -> None:
    # when / then: no exception
    validate_uscc(code)
    assert uscc_check_character(code[:17]) == code[17]


def test_pasted_code_with_spaces_and_lower_case_is_normalised() -> None:
    assert normalize_uscc(" 91440300708461136t\u3000") == "91440300708461136T"
    validate_uscc(" 91440300708461136t ")


def test_wrong_check_character_names_the_expected_one() -> None:
    with pytest.raises(ValidationError) as info:
        validate_uscc("914403001922038217")
    assert info.value.code == "check"
    assert "6" in info.value.messages[0]
    assert "7" in info.value.messages[0]


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("91440300192203821", "length"),  # 17 characters
        ("9144030019220382166", "length"),  # 19
        ("", "length"),
        ("91440300I92203821X", "alphabet"),  # I is not in the alphabet
        ("91440300O92203821X", "alphabet"),  # O
        ("91440300S92203821X", "alphabet"),  # S
        ("91440300V92203821X", "alphabet"),  # V
        ("91440300Z92203821X", "alphabet"),  # Z
        ("9144030-1922038216", "alphabet"),  # punctuation
        ("91A40300192203821X", "region"),  # region code must be digits
    ],
)
def test_invalid_codes_are_refused_with_their_reason(code: str, error: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_uscc(code)
    assert info.value.code == error


def test_every_single_character_change_is_caught() -> None:
    # given a valid code, changing the check character to any other is refused
    code = "91330100799655058B"
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    for ch in alphabet:
        if ch == code[17]:
            continue
        with pytest.raises(ValidationError):
            validate_uscc(code[:17] + ch)
