"""Satisfaction surveys sent when a case closes, and their reports."""
