"""The progress page of a background task: only the user who started it sees it."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from jinmu.core.models import BackgroundTask
from jinmu.core.types import AuthedRequest


@login_required
def background_task(request: AuthedRequest, pk: UUID) -> HttpResponse:
    """The task's status and progress; htmx polls the card alone until the task ends."""
    task = get_object_or_404(BackgroundTask, pk=pk, started_by=request.user)
    polled = request.headers.get("HX-Request") == "true"
    template = "core/_background_task.html" if polled else "core/background_task.html"
    return render(request, template, {"task": task})
