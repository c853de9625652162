"""Maintenance views by subject: facilities (the landing page, facilities, agreements, closures), club
(the club's calendar, import and export, requests), contractor (plan and visits), requests (the
thread), faults (reports from anyone), feeds (private calendar feeds) and overview (the municipality's)."""
