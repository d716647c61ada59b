"""Evaluations: finishing a course with the evaluation and attestation, and the results in aggregate.

The learner's finish page lives in the learning area and calls :func:`services.finish`; admins and
leaders read the results here, each scoped to what they may see, never a single person's answers.
"""
