"""Shared test helpers: HTML parsing, the test client and sign-in, database set-up, factories."""
