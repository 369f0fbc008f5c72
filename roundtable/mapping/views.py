from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from roundtable.core.csv_export import csv_response
from roundtable.mapping import actions
from roundtable.mapping.access import get_alias, get_pair, get_run
from roundtable.mapping.explain import explain
from roundtable.mapping.filters import PairFilterForm
from roundtable.mapping.forms import AccountSetsForm, AliasForm, FilesForm
from roundtable.mapping.models import Account, DomainAlias, MappingRun, MatchDecision

PAIRS_PER_PAGE = 100


def _form_errors(form, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def mapping(request):
    """Map two uploaded files or two stored account sets; the runs made so far."""
    files_form = FilesForm(prefix="files")
    sets_form = AccountSetsForm(prefix="sets")
    if request.method == "POST":
        try:
            if "files-left" in request.FILES or request.POST.get("form") == "files":
                files_form = FilesForm(request.POST, request.FILES, prefix="files")
                if files_form.is_valid():
                    run = actions.map_files(
                        request.workspace,
                        files_form.cleaned_data["left"],
                        files_form.cleaned_data["right"],
                        fuzzy=files_form.cleaned_data["fuzzy"],
                        user=request.user,
                    )
                    return redirect("mapping_run", ws=request.workspace.slug, run=run.uuid)
            else:
                sets_form = AccountSetsForm(request.POST, prefix="sets")
                if sets_form.is_valid():
                    data = sets_form.cleaned_data
                    run = actions.map_account_sets(
                        request.workspace,
                        data["left_owner"],
                        data["left_status"],
                        data["right_owner"],
                        data["right_status"],
                        fuzzy=data["fuzzy"],
                        user=request.user,
                    )
                    return redirect("mapping_run", ws=request.workspace.slug, run=run.uuid)
        except ValidationError as error:
            _form_errors(files_form if request.FILES else sets_form, error)
    context = {
        "files_form": files_form,
        "sets_form": sets_form,
        "runs": MappingRun.objects.all()[:20],
        "account_count": Account.objects.count(),
    }
    return render(request, "mapping/mapping.html", context)


def _pair_rows(pairs, decisions):
    for pair in pairs:
        pair.explanation = explain(pair.rule, pair.evidence, pair.country, pair.score)
        pair.decision = decisions.get(tuple(sorted((pair.left_key, pair.right_key))), "")
        yield pair


def _decisions_for(pairs) -> dict:
    keys = {k for p in pairs for k in (p.left_key, p.right_key)}
    verdicts = MatchDecision.objects.filter(first_key__in=keys, second_key__in=keys)
    return {(v.first_key, v.second_key): v.decision for v in verdicts}


def run_detail(request, run):
    """A run's summary and its pairs, filtered by method, 100 a page (htmx swaps the table)."""
    run = get_run(request, run)
    filters = PairFilterForm(request.GET)
    pairs = filters.apply(run.pairs.all())
    page = Paginator(pairs, PAIRS_PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    context = {
        "run": run,
        "filters": filters,
        "page": page,
        "pairs": list(_pair_rows(rows, _decisions_for(rows))),
        "stored": run.pairs.count(),
    }
    template = "mapping/partials/pairs.html" if request.htmx else "mapping/run.html"
    return render(request, template, context)


def run_export(request, run):
    run = get_run(request, run)
    pairs = PairFilterForm(request.GET).apply(run.pairs.all())
    header = ["left_row", "right_row", "left_name", "right_name", "method", "score", "why"]
    rows = (
        [p.left_ref, p.right_ref, p.left_name, p.right_name, p.method, p.score,
         explain(p.rule, p.evidence, p.country, p.score)]
        for p in pairs.iterator(chunk_size=2000)
    )  # fmt: skip
    return csv_response(f"mapping-{run.uuid}.csv", header, rows)


@require_POST
def decide_pair(request, run, pair):
    run = get_run(request, run)
    pair = get_pair(request, run, pair)
    try:
        actions.decide(pair, request.POST.get("decision", ""), user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("mapping_run", ws=request.workspace.slug, run=run.uuid)
    if request.htmx:
        rows = list(_pair_rows([pair], _decisions_for([pair])))
        return render(request, "mapping/partials/pair_row.html", {"run": run, "pair": rows[0]})
    messages.success(request, "Saved: later runs will remember this decision.")
    return redirect("mapping_run", ws=request.workspace.slug, run=run.uuid)


def aliases(request):
    form = AliasForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            alias = actions.add_domain_alias(
                request.workspace,
                form.cleaned_data["alias"],
                form.cleaned_data["domain"],
                user=request.user,
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"{alias.alias} now counts as {alias.domain}.")
            return redirect("mapping_aliases", ws=request.workspace.slug)
    context = {"form": form, "aliases": DomainAlias.objects.all()}
    return render(request, "mapping/aliases.html", context)


@require_POST
def delete_alias(request, alias):
    alias = get_alias(request, alias)
    actions.remove_domain_alias(alias)
    messages.success(request, f"{alias.alias} is no longer an alias of {alias.domain}.")
    return redirect("mapping_aliases", ws=request.workspace.slug)
