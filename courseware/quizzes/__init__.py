"""Quizzes: knowledge checks written in course Markdown, graded on the server."""
