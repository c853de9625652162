"""Maintenance services by subject: facilities (agreements, club links, closures), recurrence,
fixtures (with .ics import), calendars (export, private feeds), plans (visits), conflicts, requests,
faults and the municipality's overview."""
