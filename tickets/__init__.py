"""Cases and what happens to them: priorities, plans, comments, events, escalations."""
