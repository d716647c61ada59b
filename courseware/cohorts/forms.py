from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileRequired, MultipleFileField
from wtforms import BooleanField, DateField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

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
    due_on = DateField("Due date", validators=[DataRequired("Enter the date the course is due, like 2027-03-31.")])
    renewal_months = IntegerField(
        "Renew every (months)",
        validators=[Optional(), NumberRange(min=1, max=60, message="Use a number of months from 1 to 60.")],
        description="Leave empty for a course taken once. 12 makes it annual training.",
    )
    # Set by the confirmation page shown when the course is already assigned to the cohort.
    replace_existing = HiddenField(default="")
