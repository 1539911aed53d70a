"""The forms of targets from a policy text: step one (`ExtractForm`: the text and the year),
then the review (`ReviewForm` and one `DraftForm` per extracted goal)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.forms.utils import ErrorDict
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ValidationError as ApiValidationError

from jinmu.core.forms import bootstrap
from jinmu.core.models import Region, Unit
from jinmu.targets.api import text_of_upload
from jinmu.targets.choices import MAX_YEAR, MIN_YEAR, Action, Bound, Front
from jinmu.targets.extraction import Goal, extract
from jinmu.targets.mapping import match_indicator
from jinmu.targets.models import Indicator

# A review never holds more drafts than this (a work report has a few dozen goals).
MAX_DRAFTS = 300

# The extraction's kinds of goal, as the review names them.
KIND_LABELS = {
    "increment": gettext_lazy("increment (新增)"),
    "level": gettext_lazy("level (达到)"),
    "growth_rate": gettext_lazy("growth rate"),
    "share": gettext_lazy("share"),
    "count": gettext_lazy("count of projects or items"),
    "total": gettext_lazy("total (总投资)"),
}


def _year_field() -> forms.IntegerField:
    """The year the targets are for."""
    # format_lazy: the field is built at import, before any request chooses a language.
    message = format_lazy(
        gettext_lazy("Give a year between {low} and {high}."), low=MIN_YEAR, high=MAX_YEAR
    )
    return forms.IntegerField(
        label=gettext_lazy("Year"),
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        error_messages={"min_value": message, "max_value": message},
    )


class ExtractForm(forms.Form):
    """Step one: the text (pasted or uploaded) and the year; `goals` after validation."""

    text = forms.CharField(
        label=gettext_lazy("Policy text"),
        required=False,
        max_length=settings.JINMU_UPLOAD_MAX_BYTES,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=gettext_lazy("Paste the text, or upload it as a file below."),
    )
    file = forms.FileField(
        label=gettext_lazy("Or a file (.txt or .docx)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.docx,text/plain"}),
    )
    year = _year_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        self.goals: list[Goal] = []
        bootstrap(self)

    def clean(self) -> dict[str, Any]:
        """Read the upload (or the text) and find its goals; a text without any is refused."""
        data = super().clean() or {}
        if "file" in self.errors:
            return data
        upload = data.get("file")
        if upload:
            try:
                text = text_of_upload(upload)
            except ApiValidationError as error:
                detail = error.detail
                if isinstance(detail, dict):
                    for name, errors in detail.items():
                        field = name if name in self.fields else None
                        for message in errors if isinstance(errors, list) else [errors]:
                            self.add_error(field, str(message))
                else:
                    self.add_error("file", str(detail))
                return data
            field = "file"
        else:
            text = data.get("text") or ""
            if not text.strip():
                if "text" not in self.errors:
                    self.add_error("text", _("Give a policy text or upload a file."))
                return data
            field = "text"
        self.goals = extract(text)
        if not self.goals:
            self.add_error(
                field,
                _(
                    "No quantified goal (a number with its unit, such as 新增…30家) was found "
                    "in this text."
                ),
            )
        elif len(self.goals) > MAX_DRAFTS:
            self.add_error(
                field,
                _("The text has {count} goals; split it into parts of at most {most}.").format(
                    count=len(self.goals), most=MAX_DRAFTS
                ),
            )
        return data


class ReviewForm(forms.Form):
    """The year the reviewed drafts become targets of (hidden: chosen in step one)."""

    year = _year_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].widget = forms.HiddenInput()


@dataclass(frozen=True)
class Options:
    """What a select of the review offers, read once per request and shared by every draft's
    form: the objects by the value posted for them, and the (value, label) choices."""

    by_key: dict[str, Any]
    choices: list[tuple[str, Any]]


class PrefetchedChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A model choice whose objects may be given once per request (`offer`): rendering and
    cleaning the field then query nothing, however many forms share them."""

    options: Options | None = None

    def offer(self, options: Options) -> None:
        """Offer these objects instead of the queryset's."""
        self.options = options
        self.choices = options.choices

    def to_python(self, value: Any) -> Any:
        if self.options is None:
            return super().to_python(value)
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        if isinstance(value, Model):
            value = getattr(value, self.to_field_name or "pk")
        found = self.options.by_key.get(str(value))
        if found is None:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return found


class IndicatorChoiceField(PrefetchedChoiceField):
    """A catalogue indicator, shown with its unit."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.unit}）"


class DraftForm(forms.Form):
    """One draft: what the extraction found, editable, with the catalogue indicator and the
    group and unit it belongs to. A dropped row is not validated."""

    keep = forms.BooleanField(label=gettext_lazy("Keep"), required=False, initial=True)
    name = forms.CharField(label=gettext_lazy("goal as written"), max_length=200)
    value = forms.DecimalField(label=gettext_lazy("target value"), max_digits=20, decimal_places=4)
    value_high = forms.DecimalField(
        label=gettext_lazy("upper value"), max_digits=20, decimal_places=4, required=False
    )
    unit = forms.CharField(label=gettext_lazy("unit"), max_length=10)
    bound = forms.ChoiceField(label=gettext_lazy("bound"), choices=Bound.choices)
    condition = forms.CharField(label=gettext_lazy("condition"), max_length=100, required=False)
    indicator = IndicatorChoiceField(
        label=gettext_lazy("indicator"),
        queryset=Indicator.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
        empty_label=gettext_lazy("— choose an indicator —"),
    )
    front = forms.ChoiceField(
        label=gettext_lazy("front"), choices=[("", "—"), *Front.choices], required=False
    )
    action = forms.ChoiceField(
        label=gettext_lazy("四提四增 action"), choices=[("", "—"), *Action.choices], required=False
    )
    responsible_unit = PrefetchedChoiceField(
        label=gettext_lazy("responsible unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label="—",
    )
    # What the extraction found and the user does not edit; carried through the review.
    sentence = forms.CharField(widget=forms.HiddenInput, required=False)
    span_start = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    span_end = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    kind = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)
    period = forms.CharField(widget=forms.HiddenInput, required=False, max_length=50)

    def __init__(
        self,
        *args: Any,
        indicators: Options | None = None,
        units: Options | None = None,
        **kwargs: Any,
    ) -> None:
        """`indicators` and `units` are what the selects offer (`options`, read once for the
        whole formset); without `indicators` the active catalogue is read, without `units`
        none is offered."""
        super().__init__(*args, **kwargs)
        for name, options in (("indicator", indicators), ("responsible_unit", units)):
            field = self.fields[name]
            assert isinstance(field, PrefetchedChoiceField)
            if options is not None:
                field.offer(options)
            elif name == "responsible_unit":
                field.queryset = Unit.objects.none()
        bootstrap(self)
        for name in ("value", "value_high"):
            self.fields[name].widget.attrs["step"] = "any"

    @property
    def kept(self) -> bool:
        """Whether the user keeps this draft (the checkbox as posted, else its initial)."""
        return bool(self["keep"].value())

    def full_clean(self) -> None:
        """Validate a kept row only: a dropped one may stay as wrong as it likes."""
        super().full_clean()
        if self.is_bound and not self.kept:
            self._errors = ErrorDict()
            self.cleaned_data = {"keep": False}

    def clean(self) -> dict[str, Any]:
        """A kept draft needs its catalogue indicator."""
        data = super().clean() or {}
        if data.get("keep") and not data.get("indicator") and "indicator" not in self.errors:
            self.add_error(
                "indicator",
                _("“{name}” matches no indicator of the catalogue; choose one.").format(
                    name=data.get("name") or "—"
                ),
            )
        return data

    def kind_label(self) -> str:
        """The kind of goal the extraction saw, in words."""
        kind = str(self._hidden("kind") or "")
        return str(KIND_LABELS.get(kind, kind))

    def _hidden(self, name: str) -> Any:
        """A carried value as posted (or as first filled in)."""
        return self[name].value()

    def highlighted(self) -> SafeString:
        """The source sentence with the goal's number marked, every part escaped."""
        sentence = str(self._hidden("sentence") or "")
        try:
            start = int(self._hidden("span_start"))
            end = int(self._hidden("span_end"))
        except (TypeError, ValueError):
            return format_html("{}", sentence)
        if not 0 <= start < end <= len(sentence):
            return format_html("{}", sentence)
        return format_html(
            "{}<mark>{}</mark>{}", sentence[:start], sentence[start:end], sentence[end:]
        )

    def draft(self) -> dict[str, Any]:
        """The draft in the form `targets_from_drafts` takes (a kept, valid row)."""
        data = self.cleaned_data
        indicator = data.get("indicator")
        unit = data.get("responsible_unit")
        return {
            "indicator": data["name"],
            "indicator_code": indicator.code if indicator is not None else None,
            "value": data["value"],
            "value_high": data.get("value_high"),
            "unit": data["unit"],
            "bound": data["bound"],
            "condition": data.get("condition") or None,
            "period": data.get("period") or None,
            "sentence": data.get("sentence") or "",
            "front": data.get("front") or "",
            "action": data.get("action") or "",
            "responsible_unit": unit.pk if unit is not None else None,
        }


DraftFormSet = forms.formset_factory(
    DraftForm, extra=0, max_num=MAX_DRAFTS, validate_max=True, absolute_max=MAX_DRAFTS
)


def options(name: str, objects: Iterable[Any]) -> Options:
    """What the select `name` of a draft offers: `objects`, labelled as the field labels them."""
    field = DraftForm.base_fields[name]
    assert isinstance(field, PrefetchedChoiceField)
    key = field.to_field_name or "pk"
    by_key = {str(getattr(obj, key)): obj for obj in objects}
    choices: list[tuple[str, Any]] = []
    if field.empty_label is not None:
        choices.append(("", field.empty_label))
    choices.extend((value, field.label_from_instance(obj)) for value, obj in by_key.items())
    return Options(by_key=by_key, choices=choices)


def draft_initial(goal: Goal, catalogue: list[Indicator]) -> dict[str, Any]:
    """A review row filled in from an extracted goal, with the suggested indicator."""
    span = goal.span or (None, None)
    return {
        "keep": True,
        "name": goal.indicator,
        "value": _number(goal.value),
        "value_high": None if goal.value_high is None else _number(goal.value_high),
        "unit": goal.unit,
        "bound": goal.bound,
        "condition": goal.condition or "",
        "indicator": match_indicator(goal.indicator, goal.unit, catalogue),
        "sentence": goal.sentence,
        "span_start": span[0],
        "span_end": span[1],
        "kind": goal.kind,
        "period": goal.period or "",
    }


def _number(value: float) -> str:
    """A float as written (30, not 30.0; 291.3, not its binary expansion)."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def active_catalogue() -> list[Indicator]:
    """The active indicators of the catalogue, read once per request."""
    return list(Indicator.objects.filter(is_active=True))


def _units(county: Region) -> QuerySet[Unit]:
    """The units of the county a target may be given to."""
    return Unit.objects.filter(region=county).order_by("kind", "name")


def draft_form_kwargs(county: Region, catalogue: list[Indicator]) -> dict[str, Any]:
    """What every draft's form offers, read once for the whole formset."""
    return {
        "indicators": options("indicator", catalogue),
        "units": options("responsible_unit", _units(county)),
    }
