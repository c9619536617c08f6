"""Service levels: business calendars, SLA policies, case clocks and breach sweeps."""
