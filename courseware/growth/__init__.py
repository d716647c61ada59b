"""Growth: a learner's pre-check and growth check compared, skill by skill, and a cohort's together.

The compiled course names the two quizzes and the skills they measure (``courses``); the attempts are the
quizzes area's records. This area reads them, for the learner's course home and result pages
(``learning``, ``quizzes``) and for the leaders' dashboard (``cohorts``).
"""

from courseware.growth.report import Growth, SkillGrowth, check_done, compare
from courseware.growth.services import CohortGrowth, cohort_growth, growth_for

__all__ = ["CohortGrowth", "Growth", "SkillGrowth", "check_done", "cohort_growth", "compare", "growth_for"]
