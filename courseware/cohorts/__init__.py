"""Cohorts: organisations, rosters, assignments and the leaders' dashboard."""
