"""Worksheets and reflections: answers saved as the learner types, gathered into "My action plan"."""
