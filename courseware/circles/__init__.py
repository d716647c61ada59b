"""Peer-learning circles: a cohort's discussion of each module of an assigned course, and each of its teams'
own discussion of the same modules; their moderation by the cohort's leaders (and a team's facilitators, in
the team's circles), and a daily digest of what is new."""
