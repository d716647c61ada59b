"""axe-core on the admin jobs page while statements go to a learning record store, one of them refused."""

from __future__ import annotations

import pytest

from courseware import events, jobs, xapi
from courseware.extensions import db
from courseware.models import Job
from courseware.models.base import utcnow
from tests.browser.test_leader import district, sign_in  # noqa: F401 (the fixture is used by name)
from tests.browser.test_learner_journey import assert_accessible, shot
from tests.helpers.factories import user

pytestmark = pytest.mark.browser


def test_the_jobs_page_says_where_statements_go_and_why_one_was_refused(page, district, live_server):  # noqa: F811
    app = live_server.app
    app.config.update(XAPI_ENDPOINT="http://127.0.0.1:9/xAPI/", XAPI_USERNAME="courseware", XAPI_PASSWORD="secret")
    with app.app_context():
        learner = user(name="Rae Learner", email="rae@district.org")
        events.publish(events.CourseStarted(user_id=learner.id, course_slug="example-course", cycle=1, at=utcnow()))
        db.session.commit()
        app.config["XAPI_ENDPOINT"] = ""  # the record store is gone: the job gives up, and says why
        assert jobs.work(limit=5).dead == 1
        assert db.session.scalars(db.select(Job).where(Job.kind == xapi.SEND)).one().status == "dead"
    app.config["XAPI_ENDPOINT"] = "http://127.0.0.1:9/xAPI/"

    sign_in(page, "adi@district.org")
    page.goto("/admin/jobs")
    main = page.get_by_role("main")
    page.get_by_role("heading", level=2, name="Learning record store (xAPI)").wait_for()
    assert "Statements of what learners do go to http://127.0.0.1:9/xAPI/ as courseware" in main.inner_text()
    assert "XAPI_ENDPOINT is not set" in main.inner_text() and "launched Example course" in main.inner_text()
    assert_accessible(page, "the admin jobs page with a learning record store")
    shot(page, "admin-jobs-xapi")
