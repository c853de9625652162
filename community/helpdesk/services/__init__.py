"""Helpdesk services by subject: topics and guides, volunteers, drop-in sessions, requests and
matching, and the organisers' overview. They flush, notify and raise DomainError; views commit."""
