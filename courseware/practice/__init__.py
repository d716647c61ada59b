"""Practice: activities done in school between sessions, logged by the learner and counted toward
a module's time up to a cap."""
