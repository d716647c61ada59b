"""``flask demo seed``: the demo accounts that ``make run`` prints."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from courseware.accounts import services
from courseware.cohorts import district_procedures
from courseware.cohorts import services as cohorts
from courseware.courses import catalog
from courseware.credit import all_profiles, find_provider
from courseware.credit import services as providers
from courseware.credit.images import check_image
from courseware.extensions import db
from courseware.models import CreditProvider, Organisation, Role
from courseware.models.base import utcnow
from courseware.teams import services as teams
from courseware.teams.values import ItemValues

demo_cli = AppGroup("demo", help="Demo data for trying Courseware on one machine.")

REFERENCE_COURSE = "compassionate-schools"
DEMO_DISTRICT = "Riverside Unified School District"
DEMO_ACCOUNTS = [
    (Role.LEARNER, "Jordan Rivera", "learner@example.org", "lantern-meadow-copper-7"),
    (Role.LEADER, "Sam Okafor", "leader@example.org", "harbor-thistle-garnet-4"),
    (Role.ADMIN, "Alex Chen", "admin@example.org", "orchard-falcon-pewter-9"),
]
# The provider the reference course names: fictional, and marked as such wherever it is printed.
DEMO_PROVIDER = "lakeside-demo"
DEMO_PROVIDER_DETAILS = providers.ProviderDetailsForm(
    name="Lakeside Learning Collaborative (demo provider, fictional)",
    contact="demo-provider@courseware.invalid",
    signatory_name="Morgan Ellis (fictional)",
    signatory_title="Director of Professional Learning, demo provider",
)
DEMO_LOGO = b"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 330 64" width="330" height="64">
<defs><linearGradient id="lake" gradientUnits="userSpaceOnUse" x1="2" y1="6" x2="54" y2="58">
<stop offset="0" stop-color="#1f5f5b"/><stop offset="1" stop-color="#b4532a"/></linearGradient></defs>
<rect x="2" y="6" width="52" height="52" fill="url(#lake)"/>
<path d="M8 40 Q18 30 28 40 T48 40" fill="none" stroke="#ffffff" stroke-width="4"/>
<text x="66" y="32" font-family="sans-serif" font-size="22" font-weight="bold" fill="#1d2433">Lakeside Learning</text>
<text x="66" y="54" font-family="sans-serif" font-size="14" fill="#4a5468">Demo provider, fictional</text>
</svg>"""
DEMO_SIGNATURE = b"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 80" width="300" height="80">
<path d="M10 60 C30 10 45 10 50 55 S70 70 85 30 S110 20 115 55 C120 75 140 40 160 38 S190 60 205 35
S235 30 250 50 S280 45 292 30" fill="none" stroke="#1b2a5e" stroke-width="3" stroke-linecap="round"/>
</svg>"""


@demo_cli.command("seed")
def seed() -> None:
    """Create the demo learner, leader and admin (leaving existing accounts as they are)."""
    if current_app.config["ENV_NAME"] != "development":
        raise click.ClickException(
            f"`flask demo seed` runs only with COURSEWARE_ENV=development (this is {current_app.config['ENV_NAME']}): "
            "it makes an admin and other accounts whose passwords are printed here and in the README."
        )
    for role, name, email, password in DEMO_ACCOUNTS:
        if services.find_user_by_email(email) is None:
            services.register(name, email, password, role=role, verified=True)
    _demo_district()
    _demo_procedures()
    provider = demo_provider()
    click.echo("\nDemo accounts (sign in at http://127.0.0.1:5000/sign-in):")
    for role, _, email, password in DEMO_ACCOUNTS:
        click.echo(f"  {role.value:8} {email:22} password: {password}")
    course = catalog().get(REFERENCE_COURSE)
    if course is not None and not course.is_broken:
        click.echo(f"\nStart with the course “{course.title}”:")
        click.echo(f"  http://127.0.0.1:5000/courses/{course.slug}")
    click.echo(f"\nIts certificates name the demo provider “{provider.name}” (key {provider.key}), which is fictional:")
    click.echo("  set up your own at http://127.0.0.1:5000/admin/providers and name it in course.yml.")
    click.echo("")


def _demo_district() -> None:
    """A district with two schools, led by the demo leader, whose staff cohort has the reference
    course assigned and the demo learner in it, and in the cohort a team, with the learner, whose
    plan for the course has a first item. Made once; later runs leave it as it is."""
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
        team = teams.create_team(cohort, "Riverside Elementary implementation team")
        teams.add_member(team, learner.id)
        first = ItemValues(text="Greet every student by name at the door each morning", owner_id=learner.id)
        teams.add_item(team, course, course.team_plan[0].id, first, leader)


# The demo district's answers to the reference course's blanks: the national lines are real; what is local
# is plainly a demo entry for a fictional district.
DEMO_PROCEDURES = {
    "cps-hotline": (
        "Riverside Unified is a fictional demo district, so it has no county hotline of its own. The Childhelp "
        "National Child Abuse Hotline, 1-800-422-4453, answers day and night and can connect you to your "
        "state's reporting line: https://www.childhelphotline.org"
    ),
    "homeless-liaison": (
        "Demo entry for the fictional district: Pat Lee (fictional), district homeless liaison, 555-0147, "
        "liaison@riverside.example"
    ),
    "crisis-team": (
        "Demo entry for the fictional district: the counseling office, room 112, extension 2140. "
        "The front office can call the crisis team to any room."
    ),
    "suicide-referral": (
        "Demo entry for the fictional district:\n"
        "1. Stay with the student; do not leave them alone.\n"
        "2. Walk them to the counselor, or have the front office send the crisis team.\n"
        "3. Tell the principal the same day.\n"
        "In an emergency, call 911. The 988 Suicide & Crisis Lifeline (call or text 988) is open day and night."
    ),
    "restraint-seclusion-policy": (
        "Demo entry: the fictional district has no policy online. A real district links its board policy "
        "here, such as https://riverside.example/policies/restraint-and-seclusion (an example address)."
    ),
}


def _demo_procedures() -> None:
    """The demo district's answers to the reference course's blanks, set by the demo leader; once, when the
    district has none for the course yet."""
    district = db.session.scalar(select(Organisation).where(Organisation.name == DEMO_DISTRICT))
    leader = services.find_user_by_email("leader@example.org")
    course = catalog().get(REFERENCE_COURSE)
    if district is None or leader is None or course is None or course.is_broken:
        return
    if district_procedures.answers_of(district.id, course.slug):
        return
    keys = {blank.key for _, blank in course.district_blanks}
    values = {key: text for key, text in DEMO_PROCEDURES.items() if key in keys}
    district_procedures.save_answers(district, course, values, leader)


def demo_provider() -> CreditProvider:
    """The fictional provider the reference course names, with a number marked as a demo in every credit
    system, a logo and a signature. Made once; later runs leave it as it is (an admin may have changed it)."""
    provider = find_provider(DEMO_PROVIDER)
    if provider is not None:
        return provider
    numbers = {key: f"DEMO-{key.upper()}-0000" for key, profile in all_profiles().items() if profile.number_label}
    details = replace(DEMO_PROVIDER_DETAILS, numbers=numbers)
    provider = providers.create_provider(DEMO_PROVIDER, details)
    providers.store_asset(provider, "logo", check_image(DEMO_LOGO))
    providers.store_asset(provider, "signature", check_image(DEMO_SIGNATURE))
    return provider
