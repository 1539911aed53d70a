"""API routes of the enterprise register: enterprises, annual figures, qualifications."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from jinmu.enterprises.api.views import (
    AnnualFiguresViewSet,
    EnterpriseViewSet,
    QualificationViewSet,
)

router = SimpleRouter()
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("annual-figures", AnnualFiguresViewSet, basename="annual-figures")
router.register("qualifications", QualificationViewSet, basename="qualification")
urlpatterns = router.urls
