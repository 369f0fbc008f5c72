from ninja import Router

# Directory routes: organizations, people, tags, partnerships.
router = Router(tags=["ecosystem"])
