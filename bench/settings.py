"""Benchmark settings: the production settings with a per-size SQLite file and a bare view."""

from __future__ import annotations

import os

os.environ.setdefault("SECRET_KEY", "bench-secret-key-not-for-production")

from jinmu.settings import *  # noqa: F403
from jinmu.settings import BASE_DIR, DATABASES, TEMPLATES

DATABASES["default"]["NAME"] = os.environ.get(
    "BENCH_DB", str(BASE_DIR / "bench" / "data" / "bench.sqlite3")
)
ROOT_URLCONF = "bench.urls"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]
LOGGING = {"version": 1, "disable_existing_loggers": False}
# A cached benchmark database outlives the 90-day password rule; the benchmark measures pages.
JINMU_PASSWORD_MAX_AGE_DAYS = 0
JINMU_PASSWORD_CHANGE_AT_FIRST_SIGN_IN = False
