"""The form of the county's status thresholds (points behind 序时)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _

from jinmu.core.forms import bootstrap
from jinmu.targets.models import TargetSettings


class TargetSettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    """Both thresholds, in percentage points behind 序时."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = TargetSettings
        fields = ("yellow_points", "red_points")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.Meta.fields:
            self.fields[name].required = True
            self.fields[name].widget.attrs["step"] = "any"
        bootstrap(self)
        if not self.is_bound:
            self.initial["version"] = self.instance.version if self.instance.pk else None

    def clean(self) -> dict[str, Any]:
        """Both thresholds are above 0 (the model checks yellow and that red is not below
        yellow; a red of 0 or less is refused here on its own field)."""
        data = super().clean() or {}
        red = data.get("red_points")
        if red is not None and red <= 0 and "red_points" not in self.errors:
            self.add_error("red_points", _("Give a number of points above 0."))
        return data
