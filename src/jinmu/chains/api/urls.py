"""API routes of the chains app: chains, nodes, gaps, partners, bottlenecks."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from jinmu.chains.api.views import (
    BottleneckViewSet,
    ChainGapViewSet,
    ChainNodeViewSet,
    ChainPartnerViewSet,
    ChainViewSet,
)

router = SimpleRouter()
router.register("chains", ChainViewSet, basename="chain")
router.register("chain-nodes", ChainNodeViewSet, basename="chain-node")
router.register("chain-gaps", ChainGapViewSet, basename="chain-gap")
router.register("chain-partners", ChainPartnerViewSet, basename="chain-partner")
router.register("bottlenecks", BottleneckViewSet, basename="bottleneck")
urlpatterns = router.urls
