"""Static files in production: hashed names, gzip copies; plain storage everywhere else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import override_settings

from jinmu.core.storage import StaticStorage
from jinmu.core.tests.test_security_headers import run_jinmu

PRODUCTION_STORAGE = "jinmu.core.storage.StaticStorage"


def test_production_alone_uses_the_hashed_storage(tmp_path: Path) -> None:
    # given README's production settings, in a process of their own
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.STORAGES['staticfiles']['BACKEND'])"
    )
    # when
    result = run_jinmu(tmp_path, "shell", "-c", code)
    # then production hashes; the tests (like development and `make run`) need no collectstatic
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == PRODUCTION_STORAGE
    assert settings.STORAGES["staticfiles"]["BACKEND"] == (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )


def test_collectstatic_hashes_and_compresses_the_vendored_files(tmp_path: Path) -> None:
    # given the production storage
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": PRODUCTION_STORAGE}}
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        # when
        call_command("collectstatic", "--noinput", verbosity=0)
        url = staticfiles_storage.url("vendor/tabler/tabler.min.css")
    # then every file of ours went through post-processing (Tabler's missing source maps
    # included) and has a hashed name with a gzip copy beside it
    paths = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    for name in (
        "jinmu/jinmu.css",
        "jinmu/js/jinmu.js",
        "vendor/tabler/tabler.min.css",
        "vendor/tabler/tabler.min.js",
        "vendor/echarts/echarts.min.js",
    ):
        assert paths[name] != name
        assert (tmp_path / (paths[name] + ".gz")).exists()
    assert url == settings.STATIC_URL + paths["vendor/tabler/tabler.min.css"]


def test_only_a_missing_source_map_is_tolerated(tmp_path: Path) -> None:
    # given an empty collected folder
    storage = StaticStorage(location=tmp_path)
    # when a source map is missing, then its reference stays as written
    assert storage.hashed_name("vendor/x.min.css.map ") == "vendor/x.min.css.map "
    # when anything else is missing, then collectstatic still fails
    with pytest.raises(ValueError, match="could not be found"):
        storage.hashed_name("vendor/fonts/missing.woff2")


def test_an_address_is_worked_out_once_per_name(tmp_path: Path) -> None:
    # given a collected folder and its storage
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": PRODUCTION_STORAGE}}
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", "--noinput", verbosity=0)
        storage = StaticStorage(location=tmp_path)
        first = storage.url("jinmu/jinmu.css")
        # when the manifest no longer knows the file (as if collected again meanwhile)
        storage.hashed_files.pop("jinmu/jinmu.css")
        # then the process keeps the address it gave, and a forced one is worked out anew
        assert storage.url("jinmu/jinmu.css") == first
        assert first != settings.STATIC_URL + "jinmu/jinmu.css"
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("jinmu/jinmu.css", force=True)
