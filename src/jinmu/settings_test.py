"""Test settings: fast hashing, in-memory cache, and a separate database."""

from __future__ import annotations

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")

from jinmu.settings import *  # noqa: F403
from jinmu.settings import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["NAME"] = ":memory:"
    DATABASES["default"]["OPTIONS"] = {}
WHITENOISE_AUTOREFRESH = True
# Most tests sign administrators in with force_login and test what they may do, not the TOTP
# step; the second-factor tests turn the requirement on with the `settings` fixture (the real
# default, all three administrators, is checked in jinmu/core/tests/test_otp.py).
JINMU_OTP_REQUIRED_ROLES = []
# Background tasks run at once, in the test's own transaction (huey's immediate mode keeps its
# queue in memory): a test sees the effect of a task as soon as the request returns.
HUEY = {**HUEY, "immediate": True}  # noqa: F405
