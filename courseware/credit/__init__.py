"""Credit: the credit profiles a certificate can be issued with, the providers who award the credit,
and what a certificate prints. ``progress`` asks :func:`decide` when a learner completes a course.
"""

from __future__ import annotations

import logging

from flask import Flask

from courseware.credit.choice import chosen_profile
from courseware.credit.issuing import Decision, Printed, decide, fill, printed
from courseware.credit.profiles import Profile, Profiles, all_profiles, load_profiles
from courseware.credit.providers import ProviderDetails, find_provider, missing, provider_for

__all__ = [
    "Decision",
    "Printed",
    "Profile",
    "Profiles",
    "ProviderDetails",
    "all_profiles",
    "chosen_profile",
    "decide",
    "fill",
    "find_provider",
    "init_app",
    "load_profiles",
    "missing",
    "printed",
    "provider_for",
]

log = logging.getLogger(__name__)


def init_app(app: Flask) -> Profiles:
    """Load the profiles of CREDIT_PROFILES_DIR; a file with a mistake is left out, and logged."""
    profiles = load_profiles(app.config["CREDIT_PROFILES_DIR"])
    for problem in profiles.problems:
        log.warning("credit profile not loaded: %s", problem)
    app.extensions["courseware.credit_profiles"] = profiles
    return profiles
