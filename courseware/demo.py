"""``flask demo seed``: the demo accounts that ``make run`` prints."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from courseware.accounts import services
from courseware.courses import catalog
from courseware.models import Role

demo_cli = AppGroup("demo", help="Demo data for trying Courseware on one machine.")

REFERENCE_COURSE = "compassionate-schools"
DEMO_ACCOUNTS = [
    (Role.LEARNER, "Jordan Rivera", "learner@example.org", "lantern-meadow-copper-7"),
    (Role.LEADER, "Sam Okafor", "leader@example.org", "harbor-thistle-garnet-4"),
    (Role.ADMIN, "Alex Chen", "admin@example.org", "orchard-falcon-pewter-9"),
]


@demo_cli.command("seed")
def seed() -> None:
    """Create the demo learner, leader and admin (leaving existing accounts as they are)."""
    for role, name, email, password in DEMO_ACCOUNTS:
        if services.find_user_by_email(email) is None:
            services.register(name, email, password, role=role)
    click.echo("\nDemo accounts (sign in at http://127.0.0.1:5000/sign-in):")
    for role, _, email, password in DEMO_ACCOUNTS:
        click.echo(f"  {role.value:8} {email:22} password: {password}")
    course = catalog().get(REFERENCE_COURSE)
    if course is not None and not course.is_broken:
        click.echo(f"\nStart with the course “{course.title}”:")
        click.echo(f"  http://127.0.0.1:5000/courses/{course.slug}")
    click.echo("")
