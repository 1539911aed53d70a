"""The demo county: built on top of every other app, imported by none of them."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Ningjin demo data and the `jinmu demo` command."""

    name = "jinmu.demo"
    label = "demo"
    verbose_name = "Demo county"
