"""API routes of this app (filled in by the app's viewsets)."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

router = SimpleRouter()
urlpatterns = router.urls
