"""Peer-learning circles: a cohort's discussion of each module of an assigned course, its moderation
by the cohort's leaders, and a daily digest of what is new."""
