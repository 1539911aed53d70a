"""The project pages' cheaper reads give what the general ones give: rights asked once for a
visible project, widgets drawn in Python, the API's rows read field by field as planned."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework import serializers

from jinmu.core.forms import FormRenderer
from jinmu.projects.api.serializers import LIST_COLUMNS, LIST_NAMES, ProjectListSerializer
from jinmu.projects.forms.plans import MilestoneForm, ReplanForm
from jinmu.projects.forms.records import (
    AttachmentForm,
    LightOverrideForm,
    ReviewForm,
    TransitionForm,
    YearPlanForm,
)
from jinmu.projects.forms.rendering import FastRenderer
from jinmu.projects.models import Project
from jinmu.projects.permissions import project_rights
from jinmu.projects.tests.factories import ProjectFactory
from jinmu.projects.tests.test_scoping import VISIBLE, build_ledger

# --------------------------------------------------------------------------- rights


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_rights_on_a_visible_project_match_the_scoped_queries(persona: str, world: Any) -> None:
    # given: the matrix of places, and a project the department answers for
    ledger = build_ledger(world)
    department = world.user("department")
    ledger.by_place["kept"] = ProjectFactory(
        name="部门项目", region=world.town_a, responsible_unit=department.unit
    )
    user = world.user(persona)

    # when / then: every project the user sees has the same rights without a query
    for project in Project.objects.for_user(user):
        assert project_rights(user, project, visible=True) == project_rights(user, project)


def test_a_department_edits_only_the_projects_it_answers_for(world: Any) -> None:
    user = world.user("department")
    kept = ProjectFactory(region=world.town_a, responsible_unit=user.unit)
    other = ProjectFactory(region=world.town_a)
    assert project_rights(user, kept, visible=True).edit
    assert project_rights(user, kept, visible=True).report
    assert not project_rights(user, other, visible=True).edit


def test_the_project_page_asks_the_rights_without_a_query(world: Any, client: Client) -> None:
    # given: a town user and a project of the town
    project = ProjectFactory(region=world.town_a, light="green")
    client.force_login(world.user("town_a"))
    client.get(reverse("projects:detail", args=[project.pk]))  # the session is set up

    # when
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("projects:detail", args=[project.pk]))

    # then: the page and its panels know the user edits and reports, and asked nobody
    assert response.context["rights"].edit
    assert 'id="report-this-week"' in response.content.decode()
    assert not [
        q for q in queries if q["sql"].startswith('SELECT 1 AS "a" FROM "projects_project"')
    ]


# --------------------------------------------------------------------------- widgets


def _forms(project: Project) -> list[forms.BaseForm]:
    """Each form of the project pages, empty, filled in and refused."""
    filled = {
        "to_status": "completed",
        "on": "2026-03-01",
        "reason": 'a <b>"quoted"</b>\nreason',
        "light": "red",
        "year": "2026",
        "planned_investment": "12.5",
        "monthly_shares": "x",
        "kind": "other",
        "title": "图纸 & 批复",
        "reviewer": "张三",
        "score": "101",
        "comment": "",
        "version": "3",
    }
    made: list[forms.BaseForm] = []
    for data in (None, filled, {}):
        made += [
            TransitionForm(data, project=project),
            LightOverrideForm(data, project=project),
            YearPlanForm(data),
            AttachmentForm(data),
            ReviewForm(data),
            ReplanForm(data),
            MilestoneForm(data, project=project),
        ]
    for form in made:
        if form.is_bound:
            form.is_valid()
    return made


def test_widgets_drawn_in_python_match_the_templates(world: Any) -> None:
    project = ProjectFactory(region=world.town_a, light_override="red")
    templates = FormRenderer()
    for form in _forms(project):
        assert isinstance(form.renderer, FastRenderer)
        for bound in form:
            fast = (str(bound), str(bound.label_tag()), str(bound.label_tag(attrs={"x": 1})))
            form.renderer = templates
            slow = (str(bound), str(bound.label_tag()), str(bound.label_tag(attrs={"x": 1})))
            form.renderer = FastRenderer()
            assert fast == slow, (type(form).__name__, bound.name)


def test_widgets_python_draws_or_leaves_to_the_templates_match_them() -> None:
    class Odd(forms.Form):
        default_renderer = FastRenderer()
        grouped = forms.ChoiceField(
            choices=[("甲组", [("a", "A & <B>"), ("b", "B")]), ("c", "C")], initial="b"
        )
        off = forms.CharField(disabled=True, initial='say "hi"', required=False)
        note = forms.CharField(widget=forms.Textarea, initial="<p>\nline</p>")
        number = forms.TypedChoiceField(choices=[(1, 1000), (2, Decimal("2.5"))], coerce=int)
        flags = forms.MultipleChoiceField(
            choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple
        )
        day = forms.SplitDateTimeField(initial=dt.datetime(2026, 1, 2, 3, 4))

    form = Odd()
    for bound in form:
        fast = str(bound)
        form.renderer = FormRenderer()
        assert fast == str(bound)
        form.renderer = FastRenderer()


# --------------------------------------------------------------------------- API rows


def test_api_rows_match_drf_field_by_field(world: Any) -> None:
    ProjectFactory(region=world.town_a, total_investment=Decimal("123456789.5"))
    ProjectFactory(region=world.town_b, light="red", light_override="red", park=None)
    rows = Project.objects.annotate(**LIST_NAMES).only(*LIST_COLUMNS).order_by("pk")

    fast = ProjectListSerializer(rows, many=True).data
    plain = serializers.ListSerializer(child=ProjectListSerializer(), instance=rows).data

    assert [dict(row) for row in fast] == [dict(row) for row in plain]
    assert len(fast) == 2
