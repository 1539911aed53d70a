"""Production static files: hashed names (cached forever) plus gzip copies, via WhiteNoise."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]  # untyped
    """WhiteNoise's manifest storage that tolerates references to source maps we do not ship.

    The vendored Tabler files (`vendor/tabler/tabler.min.css` and `tabler.min.js`) end with a
    `sourceMappingURL` comment naming a `.map` file that is not vendored; Django's post-processing
    would stop `collectstatic` on it. Such a reference is left as it is (a browser's developer
    tools ask for it and get a 404, as before); any other missing reference still fails.
    """

    def hashed_name(self, name: str, content: Any = None, filename: str | None = None) -> str:
        """The hashed name, or the name unchanged for a missing source map."""
        try:
            return str(super().hashed_name(name, content, filename))
        except ValueError:
            if content is None and (filename or name).split("?")[0].strip().endswith(".map"):
                return name
            raise

    def url(self, name: str | None, force: bool = False) -> str:
        """The address of a static file, worked out once per name and process: the manifest
        is read when the storage is made, so every page asking again (a dozen `{% static %}`
        a page) would get the same answer."""
        if force or name is None:
            return str(super().url(name, force))
        found = self._urls.get(name)
        if found is None:
            found = self._urls[name] = str(super().url(name))
        return found

    @cached_property
    def _urls(self) -> dict[str, str]:
        return {}
