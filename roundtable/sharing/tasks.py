from django_tasks import task

from roundtable.sharing.actions import run_refresh


@task()
def refresh_overlaps_task(
    left_ws_id: int, left_owner_id: int, right_ws_id: int, right_owner_id: int
) -> int:
    """Recompute the cached overlap counts between two sides (after an import, a change of
    private marks or populations, or a new connection)."""
    return run_refresh(left_ws_id, left_owner_id, right_ws_id, right_owner_id)
