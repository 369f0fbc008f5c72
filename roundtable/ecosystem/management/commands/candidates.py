from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict
from django_scopes import scope

from roundtable.ecosystem import graph
from roundtable.ecosystem.management.commands.konnections import (
    emit,
    form_or_error,
    workspace_or_error,
)

COLUMNS = [
    "rank", "organization", "website", "score", "reasons", "people", "emails",
]  # fmt: skip
TABLE_COLUMNS = ["#", "organization", "score", "people", "reasons"]


class Command(BaseCommand):
    help = (
        "Rank Circle candidates around a core partner for an ICP: organizations and their "
        "people, with the score and its reasons."
    )

    def add_arguments(self, parser):
        parser.add_argument("--core", required=True, metavar="ORG", help="name, website or uuid")
        parser.add_argument("--workspace", required=True, help="the workspace's slug")
        parser.add_argument(
            "--tag", action="append", default=[], metavar="TYPE:VALUE", help="the ICP (repeat)"
        )
        parser.add_argument(
            "--weight",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help=f"0–10 for {', '.join(graph.WEIGHTS)} (defaults: "
            + ", ".join(f"{name} {default:g}" for name, (_l, default) in graph.WEIGHTS.items())
            + ")",
        )
        parser.add_argument("--limit", type=int, default=25, help="how many (1–200)")
        parser.add_argument("--format", choices=["table", "csv", "json"], default="table")

    def handle(self, *args, core, workspace, tag, weight, limit, **options):
        target = workspace_or_error(workspace)
        data = QueryDict(mutable=True)
        data["core"], data["limit"] = core, str(limit)
        data.setlist("tag", tag)
        for item in weight:
            name, sep, value = item.partition("=")
            if not sep or name.strip() not in graph.WEIGHTS:
                names = ", ".join(graph.WEIGHTS)
                raise CommandError(f"--weight {item!r}: write NAME=VALUE, NAME one of {names}.")
            data[f"weight_{name.strip()}"] = value.strip()
        with scope(workspace=target):
            form = form_or_error(graph.CandidateFilter(data))
            ranked = graph.rank_candidates(target, form)
            details = graph.candidate_details(ranked)
            rows, table = [], []
            for rank, (row, organization, people) in enumerate(details, 1):
                names = "; ".join(person.full_name for person in people)
                rows.append(
                    [
                        rank,
                        organization.name,
                        organization.website or organization.domain,
                        f"{row.score:.1f}",
                        row.reasons,
                        names,
                        "; ".join(person.email for person in people if person.email),
                    ]
                )
                table.append(
                    [rank, organization.name, f"{row.score:.0f}", names or "-", row.reasons]
                )
            emit(self, options["format"], COLUMNS, rows, (TABLE_COLUMNS, table))
        core_name = form.cleaned_data["core"].name
        self.stderr.write(f"{len(rows)} best of {ranked.pool} candidates around {core_name}.")
