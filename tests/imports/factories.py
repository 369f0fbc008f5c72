from roundtable.imports import actions


def populate_workspace(workspace, owner):
    """An uploaded job (and its saved mapping) for the isolation test."""
    job = actions.create_job(
        workspace,
        user=owner,
        kind="organizations",
        filename="partners.csv",
        content=b"name,website\nAcme,acme-x.example\n",
    )
    actions.set_mapping(job, {"name": "name", "website": "website"})
    return job
