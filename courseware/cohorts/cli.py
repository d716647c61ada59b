"""``flask cohorts``: rosters from the command line, for files of tens of thousands of rows."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from courseware.cohorts import queries, services
from courseware.cohorts.roster import RosterUnreadable
from courseware.cohorts.roster_files import MAX_UPLOAD_BYTES, read_upload

cohorts_cli = AppGroup("cohorts", help="Manage cohorts and their rosters.")
EXISTING = click.Path(exists=True, dir_okay=False, path_type=Path)


def _read(path: Path) -> bytes:
    """The file, read no further than any roster may be long (its own limit then explains itself)."""
    with path.open("rb") as handle:
        return handle.read(MAX_UPLOAD_BYTES + 1)


@cohorts_cli.command("import")
@click.argument("cohort_id", type=int)
@click.argument("file", type=EXISTING)
@click.option("--orgs", type=EXISTING, help="With a OneRoster users.csv as FILE: the export's orgs.csv.")
@click.option("--roles", type=EXISTING, help="With a OneRoster users.csv as FILE: the export's roles.csv, if any.")
@click.option("--manifest", type=EXISTING, help="With a OneRoster users.csv as FILE: the export's manifest.csv.")
@click.option("--deactivate-missing", is_flag=True, help="Deactivate members who are not in the file.")
@click.option("--dry-run", is_flag=True, help="Show what would change, and change nothing.")
def import_roster(
    cohort_id: int,
    file: Path,
    orgs: Path | None,
    roles: Path | None,
    manifest: Path | None,
    deactivate_missing: bool,
    dry_run: bool,
) -> None:
    """Apply the roster FILE to cohort COHORT_ID: a CSV (name, email, staff role, school), the zip of a
    OneRoster export, or a OneRoster users.csv with --orgs (and --roles, --manifest)."""
    cohort = queries.cohort(cohort_id)
    if cohort is None:
        raise click.ClickException(f"there is no cohort {cohort_id}")
    paths = [p for p in (file, orgs, roles, manifest) if p is not None]
    try:
        files = [(path.name, _read(path)) for path in paths]
        text = read_upload(files).content
        plan = services.plan_roster(cohort, text)
    except RosterUnreadable as problem:
        raise click.ClickException(str(problem)) from None
    roster = plan.roster
    source = "users.csv" if roster.kind == "OneRoster" else file.name
    for row in roster.problems:
        click.echo(f"{source}:{row.line}: skipped: {row.problem}", err=True)
    for note in roster.notes:
        click.echo(f"Note: {note}", err=True)
    rows = len(roster.rows)
    left_out = (
        f" ({roster.left_out['not staff']} not staff and {roster.left_out['disabled']} disabled left out)"
        if roster.kind == "OneRoster"
        else ""
    )
    click.echo(
        f"{rows} row{'s' if rows != 1 else ''}{left_out}: {len(plan.new)} new ({len(plan.new_accounts)} without an "
        f"account), {len(plan.updated)} updated, {len(plan.unchanged)} unchanged, {len(plan.to_deactivate)} not in "
        f"the file, {len(roster.problems)} with problems"
    )
    if dry_run:
        return
    total = len(plan.roster.valid)
    base = current_app.config.get("PUBLIC_URL") or "http://127.0.0.1:5000"
    if plan.new_accounts and not current_app.config.get("PUBLIC_URL"):
        click.echo(f"Note: PUBLIC_URL is not set, so invitation links point at {base}.", err=True)
    with current_app.test_request_context(base_url=base), click.progressbar(length=total, label="Applying") as bar:
        try:
            result = services.apply_roster(cohort, text, deactivate_missing, None, progress=bar.update)
        except services.RosterConflict:
            raise click.ClickException(
                "Another roster added some of the same people at the same moment; nothing was applied. Run it again."
            ) from None
    click.echo(
        f"Applied: {result.added} added ({result.invited} invited), {result.updated} updated, "
        f"{result.unchanged} unchanged, {result.deactivated} deactivated."
    )
