"""Course pages as a learner sees them, shared by the learning, quizzes and worksheets blueprints.

Finding a published course and a block on it, viewing a page (one unit of work: the page view,
the quiz versions it shows, and settling the course), rendering it with the state of each of its
blocks, and announcing a completion. The blueprints import this package; it imports none of them:
the quiz and worksheet areas register how their blocks are shown (:func:`register_block_view`).
"""

from courseware.pages.blocks import BlockView, register_block_view
from courseware.pages.gates import abort_if_closed, register_module_gate
from courseware.pages.lookup import find_block_or_404, published_course, url_for_page
from courseware.pages.render import announce, render_course_page
from courseware.pages.services import PageView, view_page

__all__ = [
    "BlockView",
    "PageView",
    "abort_if_closed",
    "announce",
    "find_block_or_404",
    "published_course",
    "register_block_view",
    "register_module_gate",
    "render_course_page",
    "url_for_page",
    "view_page",
]
