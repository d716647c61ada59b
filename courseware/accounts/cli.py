"""``flask users``: manage accounts from the command line."""

from __future__ import annotations

import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import AppGroup

from courseware.accounts import services
from courseware.accounts.passwords import password_problem
from courseware.models import Role

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create-admin")
@click.option("--email", prompt=True, help="The admin's email address.")
@click.option("--name", prompt=True, help="The admin's full name.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True, help="At least 12 characters.")
def create_admin(email: str, name: str, password: str) -> None:
    """Create an admin account, or make an existing account an admin."""
    user = services.find_user_by_email(email)
    if user is not None:
        services.set_role(user, Role.ADMIN)
        click.echo(f"{user.email} is now an admin.")
        return
    try:
        email = validate_email(email.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise click.BadParameter(str(exc), param_hint="--email") from None
    if not name.strip():
        raise click.BadParameter("give the admin's full name", param_hint="--name")
    problem = password_problem(password, [email, name])
    if problem:
        raise click.BadParameter(problem, param_hint="--password")
    user = services.register(name, email, password, role=Role.ADMIN)
    click.echo(f"Created admin {user.email}.")
