"""The one form layout: `{{ form }}` shows labels, hints and each field's errors beside it."""

from __future__ import annotations

from django import forms

from jinmu.core.forms import bootstrap


class _Sample(forms.Form):
    """A form with a required text, an optional choice, a checkbox and a hidden field."""

    name = forms.CharField(label="名称", help_text="企业全称")
    kind = forms.ChoiceField(label="类型", choices=[("a", "甲"), ("b", "乙")], required=False)
    active = forms.BooleanField(label="在用", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self) -> dict[str, object]:
        """A whole-form error, to see where it is shown."""
        data = super().clean() or {}
        if data.get("name") == "重复":
            raise forms.ValidationError("已有同名企业")
        return data


def test_fields_render_with_labels_hints_and_classes() -> None:
    """Tabler markup: a required label, the hint, form-control/form-select, a check box."""
    form = _Sample()
    bootstrap(form)
    html = str(form)
    assert 'class="form-label required" for="id_name">名称</label>' in html
    assert '<div class="form-hint">企业全称</div>' in html
    assert 'class="form-control"' in html
    assert 'class="form-select"' in html
    assert '<label class="form-check">' in html
    assert 'type="hidden" name="version"' in html


def test_errors_stand_beside_their_field_and_above_the_form() -> None:
    """A field's error under that field; a whole-form error at the top."""
    missing = _Sample(data={"name": ""})
    assert not missing.is_valid()
    assert '<div class="invalid-feedback d-block">' in str(missing)
    duplicate = _Sample(data={"name": "重复"})
    assert not duplicate.is_valid()
    html = str(duplicate)
    assert html.index('id="form-errors"') < html.index('for="id_name"')
    assert "已有同名企业" in html


class _Wide(_Sample):
    """The same form with its name on a whole line and radio buttons for the kind."""

    wide_fields = ("name",)
    kind = forms.ChoiceField(
        label="类型", choices=[("a", "甲"), ("b", "乙")], widget=forms.RadioSelect
    )


def test_wide_fields_take_a_whole_line_and_radios_are_tabler_checks() -> None:
    """`wide_fields` widens named fields; radio choices render as inline form checks."""
    html = str(_Wide())
    name_column = html[: html.index('for="id_name"')].rsplit("<div", 1)[1]
    assert 'class="col-12"' in name_column
    assert '<label class="form-check form-check-inline"><input type="radio"' in html
