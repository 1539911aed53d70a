"""The bare page's one table: 300,000 rows with an indexed code."""

from __future__ import annotations

from django.db import models


class Row(models.Model):
    """A row of the bare page."""

    code = models.CharField(max_length=12, db_index=True)
    name = models.CharField(max_length=60)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    day = models.DateField()

    class Meta:
        app_label = "http_bare"

    def __str__(self) -> str:
        """The row's code."""
        return self.code
