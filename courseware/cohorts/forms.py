from __future__ import annotations

from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from flask_wtf.file import FileRequired, MultipleFileField
from wtforms import BooleanField, DateField, HiddenField, IntegerField, SelectField, StringField, TimeField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from courseware.cohorts.pacing import CUSTOM, PLANS, SINGLE, in_range
from courseware.forms import add_error
from courseware.models.base import utcnow
from courseware.text import CleanText


class CohortForm(FlaskForm):
    name = StringField(
        "Cohort name",
        validators=[
            CleanText(),
            DataRequired("Give the cohort a name."),
            Length(max=200, message="Use at most 200 characters."),
        ],
        description="For example “Lincoln Elementary, all staff 2026-27”.",
    )
    organisation = SelectField("Organisation", coerce=int, validators=[DataRequired("Choose an organisation.")])


class RosterUploadForm(FlaskForm):
    file = MultipleFileField(
        "Roster file (CSV, or a OneRoster export)",
        validators=[FileRequired("Choose a CSV or OneRoster file to upload.")],
        description="A CSV with the columns name, email, staff role, school (Excel and Google Sheets CSV files "
        "work, with commas or semicolons); or your student information system's OneRoster export: its zip file, "
        "or its users.csv and orgs.csv chosen together.",
        render_kw={"accept": ".csv,.zip,text/csv,application/zip"},
    )


class ApplyRosterForm(FlaskForm):
    deactivate_missing = BooleanField("Deactivate the people who are not in this file (their certificates stay)")


class AssignmentForm(FlaskForm):
    course = SelectField("Course", validators=[DataRequired("Choose a course.")])
    plan = SelectField(
        "Pacing",
        default=SINGLE,
        validators=[DataRequired("Choose how to pace the course.")],
        description="With a plan, you see each module's dates, and can change any of them, before assigning.",
    )
    due_on = DateField(
        "Due date",
        validators=[Optional()],
        description="With one due date: when the whole course is due. With custom dates: when the last module is due.",
    )
    starts_on = DateField(
        "Start date", validators=[Optional()], description="With a plan: the day the first module starts."
    )
    opening = BooleanField("Open each module to learners only from its start date")
    renewal_months = IntegerField(
        "Renew every (months)",
        validators=[Optional(), NumberRange(min=1, max=60, message="Use a number of months from 1 to 60.")],
        description="Leave empty for a course taken once. 12 makes it annual training.",
    )
    # Set by the confirmation page shown when the course is already assigned to the cohort.
    replace_existing = HiddenField(default="")
    # Set by the page where the leader reviews each module's dates.
    reviewed = HiddenField(default="")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.plan.choices = list(PLANS.items())

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        today = utcnow().date()
        if self.plan.data == SINGLE and self.due_on.data is None and not self.due_on.errors:
            add_error(self.due_on, "Enter the date the course is due, like 2027-03-31.")
        if self.plan.data != SINGLE and self.starts_on.data is None and not self.starts_on.errors:
            add_error(self.starts_on, "Enter the day the first module starts, like 2026-09-01.")
        for f in (self.due_on, self.starts_on):
            problem = in_range(f.data, today) if f.data is not None else None
            if problem and not f.errors:
                add_error(f, problem)
        if (
            self.plan.data == CUSTOM
            and self.due_on.data
            and self.starts_on.data
            and self.due_on.data < self.starts_on.data
            and not self.due_on.errors
        ):
            add_error(self.due_on, "The last module would be due before the start date: check the two dates.")
        return valid and not self.due_on.errors and not self.starts_on.errors


TIME_ZONES = [
    ("America/New_York", "Eastern time"),
    ("America/Chicago", "Central time"),
    ("America/Denver", "Mountain time"),
    ("America/Phoenix", "Arizona time"),
    ("America/Los_Angeles", "Pacific time"),
    ("America/Anchorage", "Alaska time"),
    ("Pacific/Honolulu", "Hawaii time"),
    ("UTC", "UTC"),
]


class SessionForm(FlaskForm):
    title = StringField(
        "Title",
        validators=[
            CleanText(),
            DataRequired("Give the session a title."),
            Length(max=200, message="Use at most 200 characters."),
        ],
        description="For example “Monthly peer-learning meeting”.",
    )
    day = DateField("Date", validators=[DataRequired("Enter the date of the session, like 2026-10-06.")])
    starts = TimeField("Starts at", validators=[DataRequired("Enter the time it starts, like 15:30.")])
    ends = TimeField("Ends at", validators=[DataRequired("Enter the time it ends, like 16:30.")])
    time_zone = SelectField("Time zone", validators=[DataRequired("Choose a time zone.")])
    place = StringField(
        "Place",
        validators=[CleanText(), Optional(), Length(max=300, message="Use at most 300 characters.")],
        description="A room, for example “Library, room 104”. Leave empty for a video meeting.",
    )
    link = StringField(
        "Video link",
        validators=[CleanText(), Optional(), Length(max=500, message="Use at most 500 characters.")],
        description="The meeting's address, starting with https://. Leave empty for a meeting in person.",
    )
    module = SelectField("Module discussed", validators=[Optional()])

    def __init__(self, *args, modules: list[tuple[str, str]] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.time_zone.choices = list(TIME_ZONES)
        self.module.choices = [("", "None in particular"), *(modules or [])]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.day.data is not None and not self.day.errors:
            problem = in_range(self.day.data, utcnow().date())
            if problem:
                add_error(self.day, problem)
        if self.starts.data and self.ends.data and not self.ends.errors and self.ends.data <= self.starts.data:
            add_error(self.ends, "The session would end before it starts: check the two times.")
        link = self.link.data or ""
        if link and not self.link.errors:
            try:
                parts = urlsplit(link)
                wrong = parts.scheme != "https" or not parts.netloc or any(c.isspace() for c in link)
            except ValueError:
                wrong = True
            if wrong:
                add_error(self.link, "Enter a video link starting with https://, like https://meet.example.org/abc.")
        return valid and not self.day.errors and not self.ends.errors and not self.link.errors
