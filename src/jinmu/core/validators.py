"""Validators shared by several apps: passwords and the unified social credit code."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# GB 32100-2015 §4: the code alphabet has 31 characters (no I, O, S, V, Z).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# First character: registration authority (1 机构编制, 5 民政, 9 工商, Y 其他 …).
_USCC_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def uscc_check_character(first17: str) -> str:
    """Return the GB 32100-2015 check character for the first 17 characters of a code."""
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def normalize_uscc(value: str) -> str:
    """Upper-case and strip spaces (including full-width ones) from a pasted code."""
    return "".join(value.split()).replace("\u3000", "").upper()


def validate_uscc(value: str) -> None:
    """Raise a ValidationError naming the problem, and the expected check character if wrong."""
    code = normalize_uscc(value)
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has {n}.").format(
                n=len(code)
            ),
            code="length",
        )
    bad = sorted({ch for ch in code if ch not in USCC_ALPHABET})
    if bad:
        raise ValidationError(
            _("The code contains characters not allowed in a credit code: {chars}.").format(
                chars="、".join(bad)
            ),
            code="alphabet",
        )
    if not _USCC_SHAPE.match(code):
        raise ValidationError(
            _("Characters 3 to 8 of a credit code are the 6-digit region code."),
            code="region",
        )
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _(
                "Wrong check character: the last character should be {expected}, not {actual}."
            ).format(expected=expected, actual=code[17]),
            code="check",
        )


class CharacterClassValidator:
    """Require characters from several classes (lower, upper, digits, symbols) in a password."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def _classes(self, password: str) -> int:
        checks = (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
        return sum(checks)

    def validate(self, password: str, user: Any = None) -> None:
        """Refuse passwords that mix too few character classes."""
        if self._classes(password) < self.min_classes:
            raise ValidationError(
                _(
                    "The password must mix at least {n} of: lower-case letters, upper-case "
                    "letters, digits and symbols."
                ).format(n=self.min_classes),
                code="password_character_classes",
            )

    def get_help_text(self) -> str:
        """Shown under the password field."""
        return _(
            "Use at least {n} of: lower-case letters, upper-case letters, digits and symbols."
        ).format(n=self.min_classes)
