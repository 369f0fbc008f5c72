"""Upload → preview with the detected columns → change the mapping → import → result."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from roundtable.ecosystem.models import Organization
from roundtable.imports import actions
from roundtable.imports.models import ImportJob, SavedMapping
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def upload(client, content: bytes, name="partners.csv", kind="organizations"):
    return client.post(
        reverse("imports", kwargs={"ws": "acme"}),
        {"kind": kind, "file": SimpleUploadedFile(name, content, "text/csv")},
    )


def job_of(workspace) -> ImportJob:
    with scope(workspace=workspace):
        return ImportJob.objects.latest("created_at")


def test_upload_previews_the_file_with_the_recognised_columns(cast, alice_client, fixture_path):
    response = upload(alice_client, fixture_path("hubspot_companies.csv").read_bytes())

    job = job_of(cast.acme)
    assert response.url == reverse("imports_job", kwargs={"ws": "acme", "job": job.uuid})
    page = alice_client.get(response.url)
    assert "HubSpot export" in page.text
    assert "3 rows" in page.text
    assert "Acme Agency GmbH" in page.text  # the preview
    form = page.context["form"]
    assert form["name"].initial == "Company name"
    assert form["domain"].initial == "Company Domain Name"
    assert form["tier"].initial == ""


def test_importing_after_changing_the_mapping_shows_the_result(cast, alice_client):
    upload(alice_client, b"Firm,Homepage,Level\nAcme Partners,acme-partners.example,Gold\n")
    job = job_of(cast.acme)
    url = reverse("imports_job", kwargs={"ws": "acme", "job": job.uuid})

    response = alice_client.post(
        url, {"name": "Firm", "website": "Homepage", "tier": "Level", "action": "import"}
    )

    assert response.url == url
    page = alice_client.get(url)
    assert "Imported." in page.text
    assert "1 created" in page.text
    with scope(workspace=cast.acme):
        assert Organization.objects.get(domain="acme-partners.example").tier == "Gold"
        # The mapping is remembered for the next file with the same columns.
        assert SavedMapping.objects.get().mapping["tier"] == "Level"
    upload(alice_client, b"Firm,Homepage,Level\nOther,other.example,Silver\n")
    assert (
        alice_client.get(
            reverse("imports_job", kwargs={"ws": "acme", "job": job_of(cast.acme).uuid})
        )
        .context["form"]["tier"]
        .initial
        == "Level"
    )


def test_a_file_with_bad_rows_is_refused_and_lists_them(cast, alice_client):
    upload(alice_client, b"name,website\nGood,good.example\n,nameless.example\n")
    job = job_of(cast.acme)
    url = reverse("imports_job", kwargs={"ws": "acme", "job": job.uuid})

    alice_client.post(url, {"name": "name", "website": "website", "action": "import"})

    page = alice_client.get(url)
    assert "1 row needs fixing; nothing was written" in page.text
    assert "missing: every organization needs a name" in page.text
    with scope(workspace=cast.acme):
        assert not Organization.objects.filter(domain="good.example").exists()
    problems = alice_client.get(
        reverse("imports_job_problems", kwargs={"ws": "acme", "job": job.uuid})
    )
    assert b"".join(problems.streaming_content).decode().splitlines() == [
        "row,column,problem",
        "2,name,missing: every organization needs a name",
    ]


def test_a_dry_run_checks_and_writes_nothing(cast, alice_client):
    upload(alice_client, b"name,website\nGood,good.example\n")
    url = reverse("imports_job", kwargs={"ws": "acme", "job": job_of(cast.acme).uuid})

    alice_client.post(url, {"name": "name", "website": "website", "action": "check"})

    assert "Every row can be imported: 1 would be created" in alice_client.get(url).text
    with scope(workspace=cast.acme):
        assert not Organization.objects.filter(domain="good.example").exists()


def test_a_file_that_is_not_a_table_is_refused_at_upload(cast, alice_client):
    response = upload(alice_client, b"PK\x03\x04binary", name="partners.xlsx")
    assert response.status_code == 200
    assert "spreadsheet workbook (.xlsx)" in response.text
    with scope(workspace=cast.acme):
        assert not ImportJob.objects.exists()


def test_an_oversized_upload_is_refused_before_it_is_read(cast, alice_client, settings):
    settings.IMPORT_MAX_BYTES = 1000
    response = upload(alice_client, b"name\n" + b"x,\n" * 600, name="big.csv")
    assert "files above 0 MB are refused" in alice_client.get(response.url).text
    with scope(workspace=cast.acme):
        assert not ImportJob.objects.exists()


def test_a_mapping_that_drops_the_required_name_is_explained(cast, alice_client):
    upload(alice_client, b"name,website\nGood,good.example\n")
    url = reverse("imports_job", kwargs={"ws": "acme", "job": job_of(cast.acme).uuid})

    response = alice_client.post(
        url, {"name": "", "website": "website", "action": "import"}, follow=True
    )

    assert "No column was found for name" in response.text
    assert job_of(cast.acme).status == ImportJob.Status.UPLOADED


def test_a_stalled_job_can_be_resumed_and_finishes(cast, alice_client, settings):
    upload(alice_client, b"name,website\nGood,good.example\n")
    job = job_of(cast.acme)
    settings.IMPORT_STALL_SECONDS = 60
    # A worker took the job, then died (no heartbeat for ten minutes).
    ImportJob.objects.with_scopes_disabled().filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING,
        heartbeat_at=timezone.now() - timezone.timedelta(minutes=10),
    )
    url = reverse("imports_job", kwargs={"ws": "acme", "job": job.uuid})
    assert "This import stopped" in alice_client.get(url).text

    alice_client.post(reverse("imports_job_resume", kwargs={"ws": "acme", "job": job.uuid}))

    assert job_of(cast.acme).status == ImportJob.Status.SUCCEEDED
    with scope(workspace=cast.acme):
        assert Organization.objects.filter(domain="good.example").exists()


def test_resume_stalled_jobs_requeues_them(cast, settings):
    job = actions.create_job(
        cast.acme, user=cast.alice, kind="organizations", filename="p.csv",
        content=b"name,website\nGood,good.example\n",
    )  # fmt: skip
    ImportJob.objects.with_scopes_disabled().filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING,
        heartbeat_at=timezone.now() - timezone.timedelta(hours=1),
    )
    assert actions.resume_stalled_jobs() == 1
    assert job_of(cast.acme).status == ImportJob.Status.SUCCEEDED


def test_a_running_job_page_polls_its_progress(cast, alice_client):
    upload(alice_client, b"name,website\nGood,good.example\n")
    job = job_of(cast.acme)
    ImportJob.objects.with_scopes_disabled().filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING, heartbeat_at=timezone.now(), total_rows=10,
        processed_rows=4, phase="checking",
    )  # fmt: skip
    url = reverse("imports_job", kwargs={"ws": "acme", "job": job.uuid})

    fragment = alice_client.get(url, headers={"HX-Request": "true"})

    assert fragment.text.lstrip().startswith('<section id="job-status"')
    assert 'hx-trigger="every 1s"' in fragment.text
    assert 'value="40"' in fragment.text


def test_guests_cannot_import(cast):
    assert client_for(cast.gina).get(reverse("imports", kwargs={"ws": "acme"})).status_code == 404


def test_files_that_used_to_fail_on_the_server_get_a_clear_answer(cast, alice_client):
    long = b"x" * 200_000
    response = upload(alice_client, b'name,website\n"Acme,acme.com\nBeta,beta.com\n')
    assert response.status_code == 200
    assert "row 1: a quote (&quot;) opens here and is never closed" in response.text

    upload(alice_client, b"name,website,city\nLongtown,long.example,%s\n" % long)
    url = reverse("imports_job", kwargs={"ws": "acme", "job": job_of(cast.acme).uuid})
    alice_client.post(url, {"name": "name", "website": "website", "city": "city"})

    page = alice_client.get(url)
    assert page.status_code == 200
    assert "is 200,000 characters long; at most 120 fit" in page.text
