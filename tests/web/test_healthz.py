from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

pytestmark = pytest.mark.django_db


def test_healthy_service_answers_200_with_each_check(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["tasks"] == {
        "ok": True,
        "ready": 0,
        "oldest_ready_seconds": 0.0,
        "failed": 0,
    }


def test_a_stuck_queue_answers_503_and_says_why(client, settings):
    settings.TASK_QUEUE_MAX_WAIT_SECONDS = 60
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="roundtable.core.tasks.deliver_email",
        backend_name="default",
        queue_name="default",
        run_after=timezone.now() - timedelta(minutes=5),
    )
    DBTaskResult.objects.filter(pk=task.pk).update(
        enqueued_at=timezone.now() - timedelta(minutes=5)
    )

    response = client.get("/healthz")

    assert response.status_code == 503
    tasks = response.json()["checks"]["tasks"]
    assert tasks["ok"] is False
    assert tasks["ready"] == 1
    assert "db_worker" in tasks["error"]
