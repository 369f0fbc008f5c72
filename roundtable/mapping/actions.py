"""Every change in account mapping goes through here: pages, API, CLI and tasks."""

import polars as pl
from django.core.exceptions import ValidationError
from django.db import transaction
from django_scopes import scope

from roundtable.core.domains import registrable_domain
from roundtable.imports.reader import TableError
from roundtable.mapping.engine import MatchOptions
from roundtable.mapping.files import read_accounts
from roundtable.mapping.models import (
    Account,
    AccountStatus,
    Decision,
    DomainAlias,
    MappingPair,
    MappingRun,
    MatchDecision,
)
from roundtable.mapping.overlap import map_frames

# A run keeps at most this many pairs for the page; the summary counts them all.
MAX_STORED_PAIRS = 200_000


def aliases_of(workspace) -> dict[str, str]:
    with scope(workspace=workspace):
        return dict(DomainAlias.objects.values_list("alias", "domain"))


def decisions_of(workspace) -> dict[tuple[str, str], str]:
    with scope(workspace=workspace):
        rows = MatchDecision.objects.values_list("first_key", "second_key", "decision")
        return {(a, b): d for a, b, d in rows}


def _account_set(workspace, owner, status: str) -> pl.DataFrame:
    with scope(workspace=workspace):
        rows = (
            Account.objects.of_owner(owner)
            .in_population(status)
            .values_list("id", "name", "domain", "website", "country")
        )
        return pl.DataFrame(
            list(rows),
            schema={
                "row": pl.UInt64,
                "name": pl.String,
                "domain": pl.String,
                "website": pl.String,
                "country": pl.String,
            },
            orient="row",
        )


def population_label(owner, status: str) -> str:
    what = dict(AccountStatus.choices).get(status, "accounts")
    what = f"{what.lower()}s" if status else "all accounts"
    return f"{owner.name}: {what}"


def map_files(workspace, left, right, *, fuzzy: bool = True, user=None) -> MappingRun:
    """Map two uploaded files (file objects with a `name`); a file the reader refuses raises
    ValidationError naming the side and the reader's reason."""
    frames = []
    for side, upload in (("left", left), ("right", right)):
        try:
            frames.append(read_accounts(upload))
        except TableError as error:
            raise ValidationError({side: f"{getattr(upload, 'name', side)}: {error}"}) from None
    labels = (getattr(left, "name", "left file"), getattr(right, "name", "right file"))
    return _record_run(workspace, MappingRun.Kind.FILES, *frames, labels, fuzzy, user)


def map_account_sets(
    workspace, left_owner, left_status, right_owner, right_status, *, fuzzy=True, user=None
) -> MappingRun:
    """Map two stored populations, e.g. our customers × a partner's prospects."""
    for field, status in (("left_status", left_status), ("right_status", right_status)):
        if status and status not in AccountStatus.values:
            raise ValidationError({field: f"Use one of {', '.join(AccountStatus.values)}."})
    left = _account_set(workspace, left_owner, left_status)
    right = _account_set(workspace, right_owner, right_status)
    labels = (
        population_label(left_owner, left_status),
        population_label(right_owner, right_status),
    )
    return _record_run(workspace, MappingRun.Kind.ACCOUNTS, left, right, labels, fuzzy, user)


def _record_run(workspace, kind, left, right, labels, fuzzy, user) -> MappingRun:
    result, left_n, right_n = map_frames(
        left,
        right,
        MatchOptions(fuzzy=fuzzy),
        aliases=aliases_of(workspace),
        decisions=decisions_of(workspace),
    )
    pairs = result.pairs.head(MAX_STORED_PAIRS)
    keyed = pairs.join(
        left_n.select(
            left=pl.col("row").cast(pl.UInt64),
            left_name=pl.col("name"),
            left_key=pl.col("fingerprint"),
        ),
        on="left",
    ).join(
        right_n.select(
            right=pl.col("row").cast(pl.UInt64),
            right_name=pl.col("name"),
            right_key=pl.col("fingerprint"),
        ),
        on="right",
    )
    with scope(workspace=workspace), transaction.atomic():
        run = MappingRun.objects.create(
            workspace=workspace,
            kind=kind,
            left_label=labels[0][:300],
            right_label=labels[1][:300],
            fuzzy=fuzzy,
            left_rows=result.left_rows,
            right_rows=result.right_rows,
            left_matched=result.left_matched,
            right_matched=result.right_matched,
            pair_count=result.matched,
            by_method=result.by_method,
            seconds=round(result.seconds, 3),
            created_by=user,
        )
        MappingPair.objects.bulk_create(
            (
                MappingPair(
                    workspace=workspace,
                    run=run,
                    left_ref=row["left"],
                    right_ref=row["right"],
                    left_name=(row["left_name"] or "")[:255],
                    right_name=(row["right_name"] or "")[:255],
                    left_key=row["left_key"][:400],
                    right_key=row["right_key"][:400],
                    method=row["method"],
                    rule=row["rule"],
                    score=row["score"],
                    evidence=(row["evidence"] or "")[:600],
                    country=row["country"] or "",
                )
                for row in keyed.iter_rows(named=True)
            ),
            batch_size=2000,
        )
    return run


def decide(pair: MappingPair, decision: str, *, user=None) -> MatchDecision:
    """Confirm or reject a pair; every later run (files or accounts) honours it."""
    if decision not in Decision.values:
        raise ValidationError({"decision": "Use 'confirmed' or 'rejected'."})
    (first_key, first_name), (second_key, second_name) = sorted(
        [(pair.left_key, pair.left_name), (pair.right_key, pair.right_name)]
    )
    with scope(workspace=pair.workspace):
        verdict, _ = MatchDecision.objects.update_or_create(
            workspace=pair.workspace,
            first_key=first_key,
            second_key=second_key,
            defaults={
                "decision": decision,
                "first_name": first_name,
                "second_name": second_name,
                "decided_by": user,
            },
        )
    return verdict


def decision_for(pair: MappingPair) -> str:
    first, second = sorted([pair.left_key, pair.right_key])
    with scope(workspace=pair.workspace):
        verdict = MatchDecision.objects.filter(first_key=first, second_key=second).first()
    return verdict.decision if verdict else ""


def add_domain_alias(workspace, alias: str, domain: str, *, user=None) -> DomainAlias:
    """Records at `alias` (a website or domain) match records at `domain` from now on."""
    alias_domain, canonical = registrable_domain(alias), registrable_domain(domain)
    if not alias_domain:
        raise ValidationError({"alias": f"'{alias}' is not a company domain."})
    if not canonical:
        raise ValidationError({"domain": f"'{domain}' is not a company domain."})
    if alias_domain == canonical:
        raise ValidationError({"alias": "A domain cannot be an alias of itself."})
    with scope(workspace=workspace), transaction.atomic():
        if DomainAlias.objects.filter(alias=alias_domain).exists():
            raise ValidationError({"alias": f"{alias_domain} is already an alias."})
        # Chains resolve at once: an alias of an alias points at the final domain.
        canonical = (
            DomainAlias.objects.filter(alias=canonical).values_list("domain", flat=True).first()
            or canonical
        )
        DomainAlias.objects.filter(domain=alias_domain).update(domain=canonical)
        return DomainAlias.objects.create(
            workspace=workspace, alias=alias_domain, domain=canonical, created_by=user
        )


def remove_domain_alias(alias: DomainAlias) -> None:
    with scope(workspace=alias.workspace):
        alias.delete()
