from ninja import Router

# Konnections, mutual partners, candidate ranking.
router = Router(tags=["konnections"])
