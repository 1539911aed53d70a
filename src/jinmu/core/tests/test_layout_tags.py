"""The layout tags: {% capture %} and {% embed %}."""

from __future__ import annotations

import pytest
from django.template import Context, Template, TemplateSyntaxError


def render(source: str, **values: object) -> str:
    """The template's output with these values."""
    return Template("{% load jinmu_layout %}" + source).render(Context(values))


def test_capture_shows_nothing_where_it_stands_and_its_contents_where_named() -> None:
    html = render(
        "[{% capture heading %}<b>{{ name }}</b>{% endcapture %}]{{ heading }}", name="x<y"
    )
    assert html == "[]<b>x&lt;y</b>"


def test_embed_draws_the_partial_around_the_contents_with_only_its_own_values() -> None:
    html = render(
        '{% embed "includes/card.html" title=title %}<p>{{ body }}</p>{% endembed %}',
        title="新增企业",
        body="a&b",
        card_class="leaked",
    )
    assert '<h3 class="card-title">新增企业</h3>' in html
    assert '<div class="card-body"><p>a&amp;b</p></div>' in html
    assert "leaked" not in html


@pytest.mark.parametrize(
    "source",
    [
        "{% capture %}x{% endcapture %}",
        "{% embed %}x{% endembed %}",
        '{% embed "includes/card.html" plain %}x{% endembed %}',
    ],
)
def test_tags_refuse_malformed_arguments(source: str) -> None:
    with pytest.raises(TemplateSyntaxError):
        render(source)
