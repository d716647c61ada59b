"""LTI 1.3 tool: launches from learning platforms, deep linking, grades and rosters (docs/lti.md)."""
