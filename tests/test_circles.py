"""Peer-learning circles: who may read and post, threads and replies, Markdown-lite made safe, editing and
deleting one's own posts, moderation, reports, the daily digest, and participation on the dashboard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from courseware.circles.digest import send_digests, unsubscribe_token
from courseware.circles.render import post_html
from courseware.courses import catalog
from courseware.extensions import db
from courseware.models import Assignment, Circle, CircleDigest, CirclePost, CircleReport, CohortMember, Job, User
from courseware.models.base import utcnow
from courseware.progress import progress_for
from tests.helpers import factories
from tests.helpers.client import signed_in_client
from tests.helpers.html import parse, text_of, texts_of

MODULE = "practice"  # the example course's module with a discussion block


class World:
    def __init__(self, app):
        self.district = factories.organisation("Riverside District")
        other = factories.organisation("Hillside District")
        self.cohort = factories.cohort(self.district, "Riverside staff")
        self.other_cohort = factories.cohort(other, "Hillside staff")
        factories.assignment(self.cohort)
        factories.assignment(self.other_cohort)
        self.member = factories.user(name="Mia Member", email="mia@example.org")
        self.colleague = factories.user(name="Cal Colleague", email="cal@example.org")
        self.outsider = factories.user(name="Otto Outsider", email="otto@example.org")
        self.elsewhere = factories.user(name="Eve Elsewhere", email="eve@example.org")
        self.leader = factories.user(name="Lee Leader", email="lee@example.org")
        self.other_leader = factories.user(name="Olga Otherleader", email="olga@example.org")
        self.admin = factories.user(name="Ada Admin", email="ada@example.org", role="admin")
        factories.member(self.cohort, self.member)
        factories.member(self.cohort, self.colleague)
        factories.member(self.other_cohort, self.elsewhere)
        factories.leader(self.leader, cohort=self.cohort)
        factories.leader(self.other_leader, organisation=other)
        self.url = f"/cohorts/{self.cohort.id}/circles/example-course/{MODULE}"
        self.app = app

    def client(self, user):
        return signed_in_client(self.app, user) if user is not None else self.app.test_client()


@pytest.fixture
def world(app):
    return World(app)


def post(client, url, body, parent=None):
    data = {"body": body, **({"parent": str(parent)} if parent else {})}
    return client.submit(url + "/posts", data, page=url)


def posts() -> list[CirclePost]:
    return list(db.session.scalars(select(CirclePost).order_by(CirclePost.id)))


# --- who may read and post ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("outsider", 404),
        ("elsewhere", 404),
        ("other_leader", 404),
        ("member", 200),
        ("leader", 200),
        ("admin", 200),
    ],
)
def test_only_members_and_leaders_in_scope_read_and_post(world, who, status):
    user = None if who == "anonymous" else getattr(world, who)
    client = world.client(user)
    assert client.get(world.url).status_code == status
    token = client.csrf_token("/")
    response = client.post(world.url + "/posts", data={"csrf_token": token, "body": f"Hello from {who}"})
    if status == 200:
        assert response.status_code == 302
        assert [p.body for p in posts()] == [f"Hello from {who}"]
    else:
        assert response.status_code == status
        assert posts() == []


def test_a_deactivated_member_loses_access_at_once(world):
    client = world.client(world.member)
    assert post(client, world.url, "Before").status_code == 302
    membership = db.session.scalar(select(CohortMember).filter_by(user_id=world.member.id))
    membership.active = False
    membership.deactivated_at = utcnow()
    db.session.commit()
    assert client.get(world.url).status_code == 404
    assert (
        client.post(world.url + "/posts", data={"csrf_token": client.csrf_token("/"), "body": "x"}).status_code == 404
    )
    (mine,) = posts()
    assert client.get(f"/circles/posts/{mine.id}/edit").status_code == 404


def test_a_course_not_assigned_or_a_module_that_does_not_exist_is_not_found(world):
    client = world.client(world.member)
    assert client.get(f"/cohorts/{world.cohort.id}/circles/getting-started/{MODULE}").status_code == 404
    assert client.get(f"/cohorts/{world.cohort.id}/circles/example-course/nope").status_code == 404
    assert client.get(f"/cohorts/{world.other_cohort.id}/circles/example-course/{MODULE}").status_code == 404


def test_reading_an_empty_discussion_writes_nothing(world):
    page = world.client(world.member).get(world.url)
    assert "No one has posted yet" in text_of(page, "main")
    assert db.session.scalar(select(func.count(Circle.id))) == 0
    assert "What changed in the first minutes of class" in text_of(page, "main")  # the module's prompts


# --- threads, replies, what a post may hold ------------------------------------------------------------


def test_html_and_scripts_show_as_text_and_links_are_safe():
    html = post_html(
        "<script>alert(1)</script> **bold** *soft*\nnext line\n\n[ok](https://example.org) [bad](javascript:alert(1))"
        ' <img src=x onerror="alert(1)">'
    )
    assert "<script" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img" not in html and "&lt;img" in html
    assert "<strong>bold</strong>" in html and "<em>soft</em>" in html and "<br>" in html
    assert '<a href="https://example.org" rel="nofollow ugc noopener">ok</a>' in html
    assert 'href="javascript' not in html


def test_a_post_over_5000_characters_is_refused_with_a_message(world):
    client = world.client(world.member)
    response = post(client, world.url, "x" * 5001)
    assert response.status_code == 422
    assert "at most 5,000 characters" in text_of(response, ".field__error")
    assert posts() == []


def test_replies_bump_their_thread_and_the_newest_activity_comes_first(world):
    mia, cal = world.client(world.member), world.client(world.colleague)
    post(mia, world.url, "First thread")
    post(cal, world.url, "Second thread")
    first = posts()[0]
    post(cal, world.url, "A reply to the first", parent=first.id)
    reply = posts()[-1]
    post(mia, world.url, "A reply to the reply goes to the thread", parent=reply.id)
    page = mia.get(world.url)
    bodies = texts_of(page, ".post__body")
    assert bodies == [
        "First thread",
        "A reply to the first",
        "A reply to the reply goes to the thread",
        "Second thread",
    ]
    assert {p.parent_id for p in posts()[2:]} == {first.id}


def test_authors_edit_and_delete_their_own_posts_only(world):
    mia, cal = world.client(world.member), world.client(world.colleague)
    post(mia, world.url, "My first idea")
    (mine,) = posts()
    post(cal, world.url, "Good idea", parent=mine.id)
    assert cal.get(f"/circles/posts/{mine.id}/edit").status_code == 404
    assert cal.submit(f"/circles/posts/{mine.id}/delete", page=world.url).status_code == 404
    response = mia.submit(
        f"/circles/posts/{mine.id}/edit", {"body": "My better idea"}, page=f"/circles/posts/{mine.id}/edit"
    )
    assert response.status_code == 302
    page = cal.get(world.url)
    assert "My better idea" in text_of(page, f"#post-{mine.id}") and "edited" in text_of(page, f"#post-{mine.id}")
    assert mia.submit(f"/circles/posts/{mine.id}/delete", page=world.url).status_code == 302
    page = cal.get(world.url)
    assert "deleted by its author" in text_of(page, f"#post-{mine.id}")
    assert "My better idea" not in page.get_data(as_text=True)
    assert texts_of(page, ".post__body") == ["Good idea"]  # the reply keeps its place
    assert db.session.get(CirclePost, mine.id).body == ""


# --- moderation ------------------------------------------------------------------------------------------


def test_a_leader_hides_a_post_with_a_reason_its_author_sees(world):
    mia, cal, lee = world.client(world.member), world.client(world.colleague), world.client(world.leader)
    post(mia, world.url, "Something I should not have said")
    (mine,) = posts()
    assert cal.submit(f"/circles/posts/{mine.id}/hide", {"reason": "No"}, page=world.url).status_code == 404
    response = lee.submit(f"/circles/posts/{mine.id}/hide", {"reason": "Names a student"}, page=world.url)
    assert response.status_code == 302
    assert "This post is hidden by a leader" in text_of(cal.get(world.url), f"#post-{mine.id}")
    assert "Something I should not" not in cal.get(world.url).get_data(as_text=True)
    author_view = text_of(mia.get(world.url), f"#post-{mine.id}")
    assert "the other members do not see your post" in author_view and "Names a student" in author_view
    leader_view = text_of(lee.get(world.url), f"#post-{mine.id}")
    assert "Something I should not have said" in leader_view and "Names a student" in leader_view
    assert lee.submit(f"/circles/posts/{mine.id}/unhide", page=world.url).status_code == 302
    assert "Something I should not have said" in text_of(cal.get(world.url), f"#post-{mine.id}")


def test_a_hide_without_a_reason_is_refused(world):
    post(world.client(world.member), world.url, "Hello")
    (mine,) = posts()
    lee = world.client(world.leader)
    lee.submit(f"/circles/posts/{mine.id}/hide", {"reason": " "}, page=world.url)
    assert "The post is not hidden" in text_of(lee.get(world.url), ".flash, [role=alert], main")
    assert db.session.get(CirclePost, mine.id).hidden_at is None


def test_a_locked_discussion_takes_no_posts_replies_or_edits(world):
    mia, lee = world.client(world.member), world.client(world.leader)
    post(mia, world.url, "Before the lock")
    (mine,) = posts()
    assert mia.submit(world.url + "/lock", page=world.url).status_code == 404
    assert lee.submit(world.url + "/lock", page=world.url).status_code == 302
    page = mia.get(world.url)
    assert "This discussion is locked" in text_of(page, "main")
    assert not parse(page).select(f"form[action='{world.url}/posts']")
    post(mia, world.url, "After the lock")
    post(mia, world.url, "A reply after the lock", parent=mine.id)
    assert [p.body for p in posts()] == ["Before the lock"]
    mia.submit(f"/circles/posts/{mine.id}/edit", {"body": "Changed"}, page=world.url)
    assert db.session.get(CirclePost, mine.id).body == "Before the lock"
    assert lee.submit(world.url + "/unlock", page=world.url).status_code == 302
    post(mia, world.url, "Open again")
    assert len(posts()) == 2


def test_members_report_a_post_once_and_leaders_see_the_reports(world):
    mia, cal, lee = world.client(world.member), world.client(world.colleague), world.client(world.leader)
    post(mia, world.url, "A post")
    (mine,) = posts()
    cal.submit(f"/circles/posts/{mine.id}/report", {"note": "Off topic"}, page=world.url)
    cal.submit(f"/circles/posts/{mine.id}/report", {"note": "Again"}, page=world.url)
    mia.submit(f"/circles/posts/{mine.id}/report", {"note": "Mine"}, page=world.url)  # one's own: refused
    assert db.session.scalar(select(func.count(CircleReport.id))) == 1
    assert "You reported this post" in text_of(cal.get(world.url), f"#post-{mine.id}")
    assert "Reported" not in text_of(mia.get(world.url), f"#post-{mine.id}")
    assert "Reports: 1" in text_of(lee.get(world.url), "main")
    assert mia.get(world.url + "/reports").status_code == 404
    rows = parse(lee.get(world.url + "/reports")).select(".report-list__item")
    assert len(rows) == 1 and "Off topic" in rows[0].get_text() and "Cal Colleague" in rows[0].get_text()


# --- queries ------------------------------------------------------------------------------------------------


def seed_posts(world, count: int) -> None:
    circle = db.session.scalar(select(Circle).filter_by(cohort_id=world.cohort.id))
    if circle is None:
        circle = Circle(cohort_id=world.cohort.id, course_slug="example-course", module_slug=MODULE)
        db.session.add(circle)
        db.session.flush()
    now = utcnow()
    threads = []
    for i in range(count // 2):
        thread = CirclePost(circle_id=circle.id, author_id=world.member.id, body=f"Thread {i}",
                            created_at=now - timedelta(minutes=i), activity_at=now - timedelta(minutes=i))  # fmt: skip
        threads.append(thread)
    db.session.add_all(threads)
    db.session.flush()
    db.session.add_all(
        CirclePost(
            circle_id=circle.id,
            parent_id=t.id,
            author_id=world.colleague.id,
            body="Reply",
            created_at=now,
            activity_at=now,
        )
        for t in threads
    )
    db.session.add(CircleReport(post_id=threads[0].id, reporter_id=world.colleague.id))
    db.session.commit()


def queries_for(client, url: str) -> int:
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_a_page_of_the_discussion_takes_as_many_queries_for_200_posts_as_for_20(world):
    lee = world.client(world.leader)
    seed_posts(world, 20)
    lee.get(world.url)  # warm up
    small = queries_for(lee, world.url)
    seed_posts(world, 180)
    big = queries_for(lee, world.url)
    assert small == big, (small, big)
    page = lee.get(world.url)
    assert len(parse(page).select(".thread")) == 20 and "Page 1 of 5" in text_of(page, "main")
    assert len(parse(lee.get(world.url + "?page=5")).select(".thread")) == 20


# --- the course page ----------------------------------------------------------------------------------------

PAGE = "/courses/example-course/practice/trying-things-out"


def test_the_course_page_links_a_member_to_their_circle_and_tells_a_learner_alone(world):
    block = parse(world.client(world.member).get(PAGE)).select_one("#discussion-greeting-together")
    assert block.select_one("a")["href"] == world.url
    alone = text_of(world.client(world.outsider).get(PAGE), "#discussion-greeting-together")
    assert "You are taking this course on your own" in alone


def test_a_required_discussion_counts_for_cohort_members_only(editable):
    app, folder = editable
    module = folder / "02-practice.md"
    module.write_text(
        module.read_text().replace("    id: greeting-together\n", "    id: greeting-together\n    required: true\n")
    )
    world = World(app)
    course = catalog().get("example-course")
    everything = {p.key for p in course.pages}
    for person in (world.member, world.outsider):
        factories.enrolment(person, pages=everything)
    member_progress = progress_for(db.session.get(User, world.member.id), course)
    assert member_progress.discussion_missing(course.module(MODULE))
    assert any("discussion of this module" in line for line in member_progress.missing())
    alone = progress_for(db.session.get(User, world.outsider.id), course)
    assert alone.discussed is None and not alone.discussion_missing(course.module(MODULE))
    post(world.client(world.member), world.url, "My first post")
    assert not progress_for(db.session.get(User, world.member.id), course).discussion_missing(course.module(MODULE))
    page = world.client(world.member).get(PAGE)
    assert "part of completing it" in text_of(page, "#discussion-greeting-together")


# --- the daily digest ------------------------------------------------------------------------------------------


def digest_jobs() -> list[Job]:
    return [j for j in db.session.scalars(select(Job).order_by(Job.id)) if j.payload.get("kind") == "circle-digest"]


def test_the_digest_lists_new_visible_posts_once_a_day(world):
    mia, cal, lee = world.client(world.member), world.client(world.colleague), world.client(world.leader)
    post(mia, world.url, "Visible **news**")
    post(mia, world.url, "Hidden news")
    post(mia, world.url, "Deleted news")
    hidden, deleted = posts()[1], posts()[2]
    lee.submit(f"/circles/posts/{hidden.id}/hide", {"reason": "Off topic"}, page=world.url)
    mia.submit(f"/circles/posts/{deleted.id}/delete", page=world.url)
    now = utcnow()
    assert send_digests(now) == 1  # Cal: Mia's own posts are not news to her
    assert send_digests(now) == 0  # the same day again: nothing more
    (job,) = digest_jobs()
    assert job.payload["to"] == "cal@example.org"
    body = job.payload["body"]
    assert "Visible **news**" in body and "Hidden news" not in body and "Deleted news" not in body
    assert "/circles/unsubscribe/" in body and world.url in body
    assert db.session.scalar(select(func.count(CircleDigest.id))) == 1
    post(cal, world.url, "Tomorrow's news")
    assert send_digests(now + timedelta(days=1)) == 1  # Mia, the next day, with the new post only
    latest = digest_jobs()[-1]
    assert latest.payload["to"] == "mia@example.org" and "Tomorrow's news" in latest.payload["body"]
    assert "Visible" not in latest.payload["body"]


def test_opting_out_by_the_link_or_the_page_stops_the_digest(world):
    mia, cal = world.client(world.member), world.client(world.colleague)
    anonymous = world.client(None)
    link = f"/circles/unsubscribe/{unsubscribe_token(world.colleague.id)}"
    assert anonymous.get(link).status_code == 200
    assert anonymous.submit(link).status_code == 200
    assert anonymous.get("/circles/unsubscribe/forged").status_code == 404
    mia.submit(world.url + "/digest", {"wanted": "no"}, page=world.url)
    post(mia, world.url, "News")
    post(cal, world.url, "More news")
    assert send_digests(utcnow() + timedelta(minutes=1)) == 0
    cal.submit(world.url + "/digest", {"wanted": "yes"}, page=world.url)
    assert "Stop the daily digest" in text_of(cal.get(world.url), "main")
    assert send_digests(utcnow() + timedelta(minutes=2)) == 1


def test_the_digest_command(world, runner):
    post(world.client(world.member), world.url, "News")
    result = runner.invoke(args=["circles", "digest"])
    assert result.exit_code == 0 and "1 digest queued" in result.output
    assert runner.invoke(args=["circles", "digest"]).output.startswith("0 digests")


# --- the leaders' dashboard ------------------------------------------------------------------------------------


def test_the_dashboard_and_export_count_posts_never_their_text(world):
    mia, cal, lee = world.client(world.member), world.client(world.colleague), world.client(world.leader)
    post(mia, world.url, "Secret words one")
    post(mia, world.url, "Secret words two")
    post(cal, world.url, "Deleted words")
    mia_first, _, cal_post = posts()
    post(cal, world.url, "A reply", parent=mia_first.id)
    cal.submit(f"/circles/posts/{cal_post.id}/delete", page=world.url)
    post(lee, world.url, "A leader's word")
    (assignment_id,) = [a.id for a in db.session.scalars(select(Assignment).filter_by(cohort_id=world.cohort.id))]
    board = f"/cohorts/{world.cohort.id}/assignments/{assignment_id}"
    page = lee.get(board)
    assert world.url in [a["href"] for a in parse(page).select("#discussions-title ~ ul a")]
    counts = {row.select_one("th a").get_text(): row.select_one(".member-table__posts").get_text()
              for row in parse(page).select(".member-table tbody tr")}  # fmt: skip
    assert counts == {"Mia Member": "2 discussion posts", "Cal Colleague": "1 discussion post"}
    csv = lee.get(board + ".csv").get_data(as_text=True)
    assert "Discussion posts: Practice" in csv.splitlines()[0]
    assert "Secret" not in csv and "words" not in csv
    assert {line.split(",")[0]: line.split(",")[-1] for line in csv.splitlines()[1:]} == {
        "Mia Member": "2",
        "Cal Colleague": "1",
    }


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("outsider", False), ("elsewhere", False), ("other_leader", False), ("colleague", False), ("leader", True),
     ("admin", True)],
)  # fmt: skip
def test_only_leaders_in_scope_moderate(world, who, allowed):
    post(world.client(world.member), world.url, "A post")
    (mine,) = posts()
    client = world.client(getattr(world, who))
    hidden = client.submit(f"/circles/posts/{mine.id}/hide", {"reason": "Off topic"}, page="/")
    locked = client.submit(world.url + "/lock", page="/")
    listed = client.get(world.url + "/reports")
    db.session.expire_all()
    circle = db.session.scalar(select(Circle))
    if allowed:
        assert (hidden.status_code, locked.status_code, listed.status_code) == (302, 302, 200)
        assert db.session.get(CirclePost, mine.id).hidden_at is not None and circle.locked_at is not None
    else:
        assert (hidden.status_code, locked.status_code, listed.status_code) == (404, 404, 404)
        assert db.session.get(CirclePost, mine.id).hidden_at is None and circle.locked_at is None


def test_a_reply_to_a_post_of_another_discussion_is_refused(world):
    other_url = f"/cohorts/{world.other_cohort.id}/circles/example-course/{MODULE}"
    post(world.client(world.elsewhere), other_url, "Elsewhere")
    (theirs,) = posts()
    mia = world.client(world.member)
    response = post(mia, world.url, "Sneaky reply", parent=theirs.id)
    assert response.status_code == 302
    assert [p.body for p in posts()] == ["Elsewhere"]
    assert "no longer in this discussion" in text_of(mia.get(world.url), "main")
