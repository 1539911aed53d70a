"""Fields and the base form shared by the project forms."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jinmu.core.forms import bootstrap, mark_invalid
from jinmu.core.money import WAN
from jinmu.enterprises.forms import enterprise_named
from jinmu.enterprises.models import Enterprise
from jinmu.projects.forms.rendering import FastRenderer

_FEN = Decimal("0.01")
DATE_WIDGET_FORMAT = "%Y-%m-%d"
FAST_RENDERER = FastRenderer()


def date_widget() -> forms.DateInput:
    """A browser date picker."""
    return forms.DateInput(attrs={"type": "date"}, format=DATE_WIDGET_FORMAT)


class TablerForm(forms.Form):
    """Tabler classes on every widget; after checking, fields with errors are outlined red
    (unless `outline_errors` is False). Plain widgets are drawn in Python (`FastRenderer`)."""

    outline_errors = True
    default_renderer = FAST_RENDERER

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)

    def full_clean(self) -> None:
        """Validate, then mark invalid fields for Tabler's red outline."""
        super().full_clean()
        if self.outline_errors:
            mark_invalid(self)


class WanField(forms.DecimalField):
    """An amount typed in 万元 and cleaned to yuan (exact to the fen)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", Decimal("0"))
        super().__init__(max_digits=16, decimal_places=2, **kwargs)
        # The validators above check the yuan value; the browser takes any precision.
        self.widget.attrs.update({"step": "any", "inputmode": "decimal"})

    def prepare_value(self, value: Any) -> Any:
        """A stored yuan amount shows in 万元; typed text is shown back as typed."""
        if isinstance(value, Decimal):
            wan = value / WAN
            return format(wan.normalize() if wan == wan.to_integral() else wan, "f")
        return value

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        """万元 text → yuan."""
        wan = super().to_python(value)
        if wan is None:
            return None
        yuan = wan * WAN
        if yuan != yuan.quantize(_FEN):
            raise ValidationError(
                _("Give the amount in 10k yuan with at most six decimals (to the fen)."),
                code="precision",
            )
        return yuan.quantize(_FEN)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        """No `step`/`max_length` derived from the yuan precision."""
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        attrs.pop("max", None)
        return attrs


class EnterpriseLookupField(forms.CharField):
    """An enterprise named by its credit code or its full registered name, among those the
    user sees (a select of every enterprise in a county would be thousands of options)."""

    def __init__(self, *, enterprises: QuerySet[Enterprise], **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)
        self.enterprises = enterprises

    def prepare_value(self, value: Any) -> Any:
        """An enterprise (or its id from the instance) shows as its name."""
        if isinstance(value, Enterprise):
            return value.name
        if isinstance(value, int):
            row = self.enterprises.filter(pk=value).only("name").first()
            return row.name if row is not None else ""
        return value

    def clean(self, value: Any) -> Enterprise | None:
        """Resolve the text to one visible enterprise."""
        text = str(super().clean(value) or "").strip()
        if not text:
            return None
        return enterprise_named(self.enterprises, text)


class NodeChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A chain node shown as "chain · node"."""

    def label_from_instance(self, obj: Any) -> str:
        """Chain and node name."""
        return f"{obj.chain.name} · {obj.name}"
