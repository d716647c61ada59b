"""Certificates: issued once when a course is completed, stored as PDF, verifiable by anyone."""
