"""Admin: the state of every course, including broken ones."""
