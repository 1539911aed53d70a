"""Validators shared by several apps: passwords, the unified social credit code, control
characters in text, coordinates and date ranges."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible
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

    def validate(self, password: str, user: object = None) -> None:
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


# -- text: control characters ------------------------------------------------------------------

# Line breaks and tabs are allowed in multi-line text (TextField) only.
MULTILINE_ALLOWED = frozenset("\t\n\r")
# Invisible characters that reorder the text shown around them (“Trojan Source”, CVE-2021-42574):
# a name can be made to read differently from what is stored.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LINE_SEPARATORS = frozenset("\u2028\u2029\x85")


def _refused_character(char: str, *, multiline: bool) -> bool:
    """True for a character no text field may hold (see `validate_text`)."""
    point = ord(char)
    if point < 0x20 or 0x7F <= point <= 0x9F:  # C0 controls, DEL, C1 controls
        return not (multiline and char in MULTILINE_ALLOWED)
    if 0xD800 <= point <= 0xDFFF:  # lone surrogates: not text, cannot be encoded as UTF-8
        return True
    # Unicode noncharacters (U+FDD0–U+FDEF and the last two of every plane): not allowed in XML,
    # so an .xlsx or .docx holding them cannot be written or opened.
    if 0xFDD0 <= point <= 0xFDEF or (point & 0xFFFE) == 0xFFFE:
        return True
    if char in _BIDI_CONTROLS:
        return True
    return char in _LINE_SEPARATORS and not multiline


# Every character `_refused_character` may refuse, as one class: text without any (nearly all
# of it) is accepted by one regex search instead of a Python step per character.
_SUSPECTS = re.compile(
    "[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17))
    + "".join(sorted(_BIDI_CONTROLS | _LINE_SEPARATORS))
    + "]"
)


def first_refused_character(value: str, *, multiline: bool) -> tuple[int, str] | None:
    """The 1-based position and the character of the first refused character, if any."""
    suspect = _SUSPECTS.search(value)
    if suspect is None:
        return None
    for position, char in enumerate(value[suspect.start() :], start=suspect.start() + 1):
        if _refused_character(char, multiline=multiline):
            return position, char
    return None


def validate_text(value: Any, *, multiline: bool) -> None:
    """Refuse control characters and other invisible troublemakers in text.

    Refused: C0 and C1 control characters and DEL (tab, line feed and carriage return are
    allowed in multi-line text), lone surrogates, Unicode noncharacters (U+FFFE, U+FFFF …) and
    the bidirectional overrides. They arrive by copying from other programs or by scripts, cannot
    be seen on screen and break every export (XML cannot hold them).
    """
    if not isinstance(value, str):
        return
    found = first_refused_character(value, multiline=multiline)
    if found is None:
        return
    position, char = found
    code = f"U+{ord(char):04X}"
    if char in MULTILINE_ALLOWED or char in _LINE_SEPARATORS:
        raise ValidationError(
            _(
                "This field is a single line: remove the line break or tab (character "
                "{position}, {code})."
            ).format(position=position, code=code),
            code="control_character",
        )
    raise ValidationError(
        _(
            "The text contains an invisible control character ({code}, character {position}). "
            "Delete it and type that part again; such characters come in when copying from "
            "other programs."
        ).format(position=position, code=code),
        code="control_character",
    )


@deconstructible
class TextValidator:
    """Field validator for `validate_text` (single-line or multi-line)."""

    def __init__(self, *, multiline: bool) -> None:
        self.multiline = multiline

    def __call__(self, value: Any) -> None:
        validate_text(value, multiline=self.multiline)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TextValidator) and other.multiline == self.multiline

    def __hash__(self) -> int:
        return hash((TextValidator, self.multiline))


SINGLE_LINE_TEXT = TextValidator(multiline=False)
MULTI_LINE_TEXT = TextValidator(multiline=True)


def strip_refused_characters(value: str, *, multiline: bool = True) -> str:
    """The text without the characters `validate_text` refuses (for exports of old rows)."""
    if first_refused_character(value, multiline=multiline) is None:
        return value
    return "".join(c for c in value if not _refused_character(c, multiline=multiline))


def refused_in_data(data: Any, *, path: str = "") -> dict[str, str]:
    """Walk parsed request data (dicts, lists, strings) and return the first message per path
    for strings holding characters refused even in multi-line text."""
    found: dict[str, str] = {}
    if isinstance(data, str):
        try:
            validate_text(data, multiline=True)
        except ValidationError as exc:
            found[path or "non_field_errors"] = exc.messages[0]
    elif isinstance(data, dict):
        for key, value in data.items():
            found.update(refused_in_data(value, path=f"{path}.{key}" if path else str(key)))
    elif isinstance(data, list | tuple):
        for index, value in enumerate(data):
            found.update(refused_in_data(value, path=f"{path}.{index}" if path else str(index)))
    return found


# -- numbers and dates in sane ranges ----------------------------------------------------------

EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)


def _outside(value: Any, limit: int) -> bool:
    """True for an angle outside ±`limit` degrees (None is not an angle: not outside)."""
    return value is not None and not -limit <= Decimal(value) <= limit


# The messages are translated only when refusing: an import checks thousands of coordinates.
def validate_latitude(value: Any) -> None:
    """A latitude in degrees lies between −90 and 90."""
    if _outside(value, 90):
        message = _("Latitude must lie between -90 and 90 degrees; {value} does not.")
        raise ValidationError(message.format(value=value), code="latitude")


def validate_longitude(value: Any) -> None:
    """A longitude in degrees lies between −180 and 180."""
    if _outside(value, 180):
        message = _("Longitude must lie between -180 and 180 degrees; {value} does not.")
        raise ValidationError(message.format(value=value), code="longitude")


def validate_date_range(value: Any) -> None:
    """Any date a user enters lies between 1900 and 2100 (a typo such as 0202 or 9999 is not)."""
    if isinstance(value, dt.date) and not EARLIEST_DATE <= _as_date(value) <= LATEST_DATE:
        raise ValidationError(
            _("{value} is out of range: dates must lie between {earliest} and {latest}.").format(
                value=_as_date(value).isoformat(),
                earliest=EARLIEST_DATE.isoformat(),
                latest=LATEST_DATE.isoformat(),
            ),
            code="date_range",
        )


_TWO_DAYS = dt.timedelta(days=2)


def validate_past_date(value: Any) -> None:
    """A date that has happened (e.g. a founding date): from 1900 up to today."""
    if not isinstance(value, dt.date):
        return
    validate_date_range(value)
    day = _as_date(value)
    # A day two days before today in UTC has passed in every time zone, so the (costlier)
    # local date of the site's time zone is asked only for recent days.
    if day >= dt.datetime.now(dt.UTC).date() - _TWO_DAYS and day > timezone.localdate():
        raise ValidationError(
            _("{value} is in the future; enter a date up to today.").format(
                value=_as_date(value).isoformat()
            ),
            code="future_date",
        )


def _as_date(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def install_field_validators() -> None:
    """Give every text and date field of every Jinmu model the shared validators.

    One place instead of each field by hand: CharFields refuse control characters
    (single line), TextFields the same except tab and line breaks, DateFields dates outside
    1900–2100. Model validation (`full_clean`, so ModelForms and the services), DRF's
    ModelSerializers (they copy a model field's validators) and the imports (they run
    `full_clean`) all use them. The validators are added to the field's validator list, not to
    its constructor arguments, so migrations do not change.
    """
    from django.apps import apps
    from django.db import models

    for model in apps.get_models():
        if not model.__module__.startswith("jinmu."):
            continue
        for field in model._meta.concrete_fields:
            validator: Any
            if isinstance(field, models.TextField):
                validator = MULTI_LINE_TEXT
            elif isinstance(field, models.CharField):
                validator = SINGLE_LINE_TEXT
            elif isinstance(field, models.DateField) and not isinstance(
                field, models.DateTimeField
            ):
                validator = validate_date_range
            else:
                continue
            # A field with a stricter rule of its own (a founding date) keeps just that one.
            if validator not in field.validators and validate_past_date not in field.validators:
                field.validators.append(validator)
