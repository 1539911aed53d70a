"""Template tags for the page layout: `{% capture %}` renders a part once so it can be shown
elsewhere (a page's heading is also its <title>, stated once by each page); `{% embed %}` draws
a partial around the markup it encloses (a titled card around its contents)."""

from __future__ import annotations

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token, token_kwargs
from django.template.context import Context
from django.template.engine import Engine

register = template.Library()


class CaptureNode(template.Node):
    """Renders its contents into a context variable instead of the page."""

    # The base template's blocks may sit inside; {% extends %} finds them through this list.
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist: NodeList, name: str) -> None:
        self.nodelist = nodelist
        self.name = name

    def render(self, context: Context) -> str:
        """Store the rendered contents (already escaped, so safe) under the name; show nothing."""
        context[self.name] = self.nodelist.render(context)
        return ""


@register.tag
def capture(parser: Parser, token: Token) -> CaptureNode:
    """`{% capture name %}…{% endcapture %}`: the rendered contents become the variable `name`."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("'capture' takes one argument: the variable's name")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[1])


class EmbedNode(template.Node):
    """Renders a partial with the enclosed markup as its `content`; it sees nothing else."""

    child_nodelists = ("nodelist",)

    def __init__(
        self,
        template_name: FilterExpression,
        extra: dict[str, FilterExpression],
        nodelist: NodeList,
    ) -> None:
        self.template_name = template_name
        self.extra = extra
        self.nodelist = nodelist

    def render(self, context: Context) -> str:
        """The partial, given the keyword values and the rendered contents."""
        values = {name: value.resolve(context) for name, value in self.extra.items()}
        values["content"] = self.nodelist.render(context)
        # The engine of the page being rendered, as {% include %} takes it.
        engine = context.template.engine if context.template else Engine.get_default()
        partial = engine.get_template(self.template_name.resolve(context))
        # Only these values, as {% include … only %}: a card must not take an outer card_class.
        return partial.render(context.new(values))


@register.tag
def embed(parser: Parser, token: Token) -> EmbedNode:
    """`{% embed "partial.html" name=value … %}…{% endembed %}`: the partial around the contents."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("'embed' takes a partial, then name=value pairs")
    extra = token_kwargs(bits[2:], parser)
    if len(extra) != len(bits) - 2:
        raise template.TemplateSyntaxError("'embed' takes only name=value pairs after the partial")
    nodelist = parser.parse(("endembed",))
    parser.delete_first_token()
    return EmbedNode(parser.compile_filter(bits[1]), extra, nodelist)
