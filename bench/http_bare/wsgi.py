"""WSGI entry of the bare page (`gunicorn bench.http_bare.wsgi`)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.http_bare.settings")
application = get_wsgi_application()
