"""Settings of the bare page: Django's own defaults for a production site, one app, one table.

The database is `BARE_DATABASE_URL` (the same engine as the product's data set in a run); no
sessions or authentication, so the page costs what Django itself costs: the request, one
indexed query and a template of 50 rows.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

HERE = Path(__file__).resolve().parent
SECRET_KEY = "bench-bare-secret-key-not-for-production-0123456789abcdefghijklmnop"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["bench.http_bare"]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "bench.http_bare.urls"
WSGI_APPLICATION = "bench.http_bare.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {"context_processors": []},
    }
]
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("BARE_DATABASE_URL", f"sqlite:///{HERE / 'bare.sqlite3'}"),
        conn_max_age=60,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOGGING = {"version": 1, "disable_existing_loggers": False}
