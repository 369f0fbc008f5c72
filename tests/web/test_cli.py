import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django_scopes import scopes_disabled

from roundtable.workspaces.demo import DEMO_OWNER, DEMO_PASSWORD
from roundtable.workspaces.models import Membership, User, Workspace

ROUNDTABLE = Path(sys.executable).parent / "roundtable"


def run_cli(*args, env=None, tmp_path=None):
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "roundtable.settings", **(env or {})}
    # The browser tests' switch must not reach a production check.
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    if tmp_path is not None:
        environment["ROUNDTABLE_VAR_DIR"] = str(tmp_path)
    return subprocess.run(
        [str(ROUNDTABLE), *args], capture_output=True, text=True, env=environment, timeout=120
    )


def test_the_roundtable_command_runs_django_management_commands(tmp_path):
    result = run_cli("help", tmp_path=tmp_path)
    assert result.returncode == 0
    for command in ("migrate", "demo", "db_worker", "createsuperuser", "serve"):
        assert command in result.stdout


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = run_cli(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        tmp_path=tmp_path,
        env={
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "roundtable.example",
            "SITE_URL": "https://roundtable.example",
        },
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_warns_when_emailed_links_would_point_at_a_local_address(tmp_path):
    env = {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50),
           "ALLOWED_HOSTS": "roundtable.example", "SITE_URL": "http://127.0.0.1:8000"}  # fmt: skip
    result = run_cli("check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path, env=env)
    assert result.returncode != 0
    assert "roundtable.W001" in result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {"DEBUG": "0", "SECRET_KEY": "", "ALLOWED_HOSTS": "roundtable.example"}
    result = run_cli("check", tmp_path=tmp_path, env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_demo_is_idempotent_and_its_login_works(capsys):
    call_command("demo")
    counts = (User.objects.count(), Workspace.objects.count())
    with scopes_disabled():
        members = Membership.objects.count()

    call_command("demo")

    assert (User.objects.count(), Workspace.objects.count()) == counts
    with scopes_disabled():
        assert Membership.objects.count() == members
    assert f"{DEMO_OWNER} / {DEMO_PASSWORD}" in capsys.readouterr().out
    client = Client()
    assert client.login(email=DEMO_OWNER, password=DEMO_PASSWORD)
    assert "Northwind Commerce" in client.get("/w/demo/").text


@pytest.mark.django_db
def test_demo_password_option_changes_the_password():
    call_command("demo", "--password", "another-demo-password")
    assert Client().login(email=DEMO_OWNER, password="another-demo-password")
    assert not Client().login(email=DEMO_OWNER, password=DEMO_PASSWORD)
