"""Teams inside a cohort and each team's shared action plan for an assigned course."""
