"""Pages for requests refused before a view could answer them: an upload over the size limit
(instead of Django's CSRF failure page), query parameters holding control characters, and a row
that other rows still use. The API answers deletes and bodies through `jinmu.api.exceptions`
and `jinmu.api.parsers`."""

from __future__ import annotations

from collections.abc import Callable

from django.db import models
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.csrf import csrf_failure as django_csrf_failure

from jinmu.core.services import in_use_error
from jinmu.core.uploads import TOO_LARGE_META_KEY, too_large_message
from jinmu.core.validators import refused_in_data


def _back_url(request: HttpRequest) -> str:
    """The page the user came from, if it is one of ours."""
    referer = request.headers.get("Referer", "")
    allowed = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return referer if allowed else ""


def refused(request: HttpRequest, *, heading: str, message: str, status: int) -> HttpResponse:
    """A page that says why the request was refused, with a way back."""
    return render(
        request,
        "core/request_refused.html",
        {"heading": heading, "message": message, "back_url": _back_url(request)},
        status=status,
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's CSRF failure page, except for an upload over the size limit.

    The upload size guard (`jinmu.core.uploads.UploadTooLargeHandler`) refuses the body
    before it is read, so the CSRF token in it is never seen: the user must learn that the file
    was too large, not that the form was forged.
    """
    too_large = request.META.get(TOO_LARGE_META_KEY)
    if too_large:
        return refused(
            request,
            heading=_("File too large"),
            message=too_large_message(int(too_large)),
            status=413,
        )
    return django_csrf_failure(request, reason)


def _refused_parameters(request: HttpRequest) -> dict[str, str]:
    """Query parameters holding control characters, with the message for each."""
    found: dict[str, str] = {}
    for key, values in request.GET.lists():
        for message in refused_in_data([key, *values]).values():
            found.setdefault(key, message)
    return found


class RefusalMiddleware:
    """Refuse query parameters holding control characters (a NUL cannot even be sent to
    PostgreSQL) with a 400, and answer a delete of a row that others still use with a page
    naming what uses it (409), wherever the view did not handle it itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        found = _refused_parameters(request)
        if found:
            if request.path.startswith("/api/"):
                return JsonResponse({key: [message] for key, message in found.items()}, status=400)
            return refused(
                request,
                heading=_("Bad address"),
                message=next(iter(found.values())),
                status=400,
            )
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """Turn ProtectedError and RestrictedError into a 409 page."""
        if isinstance(exception, models.ProtectedError | models.RestrictedError):
            message = in_use_error(exception).messages[0]
            if request.path.startswith("/api/"):
                return JsonResponse({"non_field_errors": [message]}, status=409)
            return refused(request, heading=_("Still in use"), message=message, status=409)
        return None
