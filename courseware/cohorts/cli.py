"""``flask cohorts``: rosters from the command line, for files of tens of thousands of rows."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from courseware.cohorts import queries, services
from courseware.cohorts.roster import RosterUnreadable, decode

cohorts_cli = AppGroup("cohorts", help="Manage cohorts and their rosters.")


@cohorts_cli.command("import")
@click.argument("cohort_id", type=int)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--deactivate-missing", is_flag=True, help="Deactivate members who are not in the file.")
@click.option("--dry-run", is_flag=True, help="Show what would change, and change nothing.")
def import_roster(cohort_id: int, file: Path, deactivate_missing: bool, dry_run: bool) -> None:
    """Apply the roster FILE (CSV: name, email, staff role, school) to cohort COHORT_ID."""
    cohort = queries.cohort(cohort_id)
    if cohort is None:
        raise click.ClickException(f"there is no cohort {cohort_id}")
    try:
        text = decode(file.read_bytes())
        plan = services.plan_roster(cohort, text)
    except RosterUnreadable as problem:
        raise click.ClickException(str(problem)) from None
    for row in plan.roster.problems:
        click.echo(f"{file.name}:{row.line}: skipped: {row.problem}", err=True)
    rows = len(plan.roster.rows)
    click.echo(
        f"{rows} row{'s' if rows != 1 else ''}: {len(plan.new)} new ({len(plan.new_accounts)} without an account), "
        f"{len(plan.updated)} updated, {len(plan.unchanged)} unchanged, {len(plan.to_deactivate)} not in the file, "
        f"{len(plan.roster.problems)} with problems"
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
