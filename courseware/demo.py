"""``flask demo seed``: the demo accounts that ``make run`` prints."""

from __future__ import annotations

from datetime import timedelta

import click
from flask.cli import AppGroup
from sqlalchemy import select

from courseware.accounts import services
from courseware.cohorts import services as cohorts
from courseware.courses import catalog
from courseware.extensions import db
from courseware.models import Organisation, Role
from courseware.models.base import utcnow

demo_cli = AppGroup("demo", help="Demo data for trying Courseware on one machine.")

REFERENCE_COURSE = "compassionate-schools"
DEMO_DISTRICT = "Riverside Unified School District"
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
    _demo_district()
    click.echo("\nDemo accounts (sign in at http://127.0.0.1:5000/sign-in):")
    for role, _, email, password in DEMO_ACCOUNTS:
        click.echo(f"  {role.value:8} {email:22} password: {password}")
    course = catalog().get(REFERENCE_COURSE)
    if course is not None and not course.is_broken:
        click.echo(f"\nStart with the course “{course.title}”:")
        click.echo(f"  http://127.0.0.1:5000/courses/{course.slug}")
    click.echo("")


def _demo_district() -> None:
    """A district with two schools, led by the demo leader, whose staff cohort has the reference
    course assigned and the demo learner in it. Made once; later runs leave it as it is."""
    if db.session.scalar(select(Organisation).where(Organisation.name == DEMO_DISTRICT)) is not None:
        return
    district = cohorts.create_organisation(DEMO_DISTRICT)
    school = cohorts.create_organisation("Riverside Elementary School", district)
    cohorts.create_organisation("Riverside Middle School", district)
    leader = services.find_user_by_email("leader@example.org")
    learner = services.find_user_by_email("learner@example.org")
    if leader is None or learner is None:
        raise click.ClickException("the demo accounts are missing: run `flask demo seed` from the start")
    cohorts.grant_leader(leader, organisation=district)
    cohort = cohorts.create_cohort(district, "All staff 2026-27")
    member = cohorts.join(cohort, learner)
    member.staff_role, member.school_id = "Teacher", school.id
    db.session.commit()
    course = catalog().get(REFERENCE_COURSE)
    if course is not None and not course.is_broken:
        cohorts.assign(cohort, course.slug, utcnow().date() + timedelta(days=60), None)
