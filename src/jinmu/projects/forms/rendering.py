"""The product's form renderer, drawn in Python (`jinmu.core.forms_rendering`): kept under its
first name for the project forms that name it."""

from __future__ import annotations

from jinmu.core.forms_rendering import FastRenderer

__all__ = ["FastRenderer"]
