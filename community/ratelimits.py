"""Rate limits, in one place. Three layers, all in Flask-Limiter (memory, or Redis when configured):

1. every POST of a signed-in person, on any route, counts against one allowance per person
   (``WRITE_LIMIT_USER``), and every POST without an account against one per address
   (``WRITE_LIMIT_IP``): a new route is covered without anyone remembering a decorator;
2. routes that create content or send e-mail have a stricter allowance of their own per person
   (``CREATE_LIMITS``, by endpoint: posts, comments, private messages, fault reports, join requests,
   ideas, questions, consultation proposals, reports to moderation …; a test checks every key is a
   route, so a renamed endpoint cannot silently lose its limit);
3. the account pages (``accounts/views.py``): login per address and per account *and* address,
   counting failed attempts only, so someone guessing elsewhere never locks the owner out; registration
   per address; reset per address and per e-mail.

One GET has its own allowance per person, as it is asked while one types: the names offered after an
``@`` (``MENTION_LIMIT``, ``spaces.mention_suggestions``), so the members of a space cannot be listed
by machine.

Addresses are the client's: behind a TLS proxy set ``COMMUNITY_PROXY_FIX`` to the number of proxies
(``configure_proxy``) or every citizen shares the proxy's address and so its allowance.
"""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_limiter import ApplicationLimit
from flask_limiter.util import get_remote_address
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

#: Stricter allowances per person for the routes that create something others see or that send e-mail.
CREATE_LIMITS: dict[str, str] = {
    "villages.write": "10 per 10 minutes;40 per day",
    "villages.comment": "30 per 10 minutes;200 per day",
    "villages.respond": "10 per 10 minutes;50 per day",
    "conversations.send": "30 per 10 minutes;300 per day",
    "maintenance.fault_new": "10 per 10 minutes;30 per day",
    "maintenance.fault_update": "30 per 10 minutes;200 per day",
    "maintenance.request_new": "10 per 10 minutes;50 per day",
    "maintenance.request_message": "30 per 10 minutes;200 per day",
    "helpdesk.ask": "5 per 10 minutes;20 per day",
    "helpdesk.volunteer": "10 per 10 minutes;30 per day",
    "spaces.join": "10 per 10 minutes;30 per day",
    "spaces.invite": "30 per 10 minutes;100 per day",
    "accounts.resend_confirmation": "3 per 10 minutes;10 per day",
    "engagement.idea_new": "5 per 10 minutes;20 per day",
    "engagement.idea_comment": "30 per 10 minutes;200 per day",
    "engagement.qa_ask": "10 per 10 minutes;50 per day",
    "engagement.meeting_comment": "30 per 10 minutes;200 per day",
    "engagement.consultation_comment": "30 per 10 minutes;200 per day",
    "engagement.consultation_propose": "10 per 10 minutes;30 per day",
    "moderation.report": "20 per 10 minutes;100 per day",
}
DEFAULTS = {
    "WRITE_LIMIT_USER": "60 per minute;1000 per hour",
    "WRITE_LIMIT_IP": "30 per minute;300 per hour",
    "CREATE_LIMITS": CREATE_LIMITS,
    "LOGIN_LIMIT_IP": "30 per minute;300 per day",
    "LOGIN_LIMIT_ACCOUNT": "5 per minute;30 per day",
    "REGISTER_LIMIT_IP": "5 per 10 minutes;20 per day",
    "RESET_LIMIT_IP": "5 per 10 minutes;30 per day",
    "RESET_LIMIT_ADDRESS": "2 per 10 minutes;5 per day",
    # Fault reports without an account, per address (maintenance/views/faults.py), as Kolding's app took.
    "FAULT_REPORT_LIMIT": "10 per hour;30 per day",
    # The @name autocomplete (spaces/views.py): one look-up per pause in typing, per person.
    "MENTION_LIMIT": "60 per minute;600 per hour",
    "PROXY_FIX": 0,
}


def _signed_in() -> bool:
    return bool(current_user and current_user.is_authenticated)


def _not_posting() -> bool:
    """The write limits count POSTs only; their ``methods`` say so, but Flask-Limiter asks
    ``exempt_when`` first, and asking whether someone is signed in loads their account: a GET (the live
    Q&A fragment polled by hundreds) is let through before that."""
    return request.method != "POST"


def user_key() -> str:
    return f"user:{current_user.id}" if _signed_in() else f"ip:{get_remote_address()}"


def _create_limit() -> str:
    return current_app.config["CREATE_LIMITS"].get(request.endpoint or "", "1000 per second")


def _not_a_creation() -> bool:
    return not _signed_in() or (request.endpoint or "") not in current_app.config["CREATE_LIMITS"]


def application_limits() -> list[ApplicationLimit]:
    """The limits every route has (Limiter's application limits, checked before any view)."""
    return [
        ApplicationLimit(
            lambda: current_app.config["WRITE_LIMIT_USER"],
            key_function=user_key,
            methods=["POST"],
            exempt_when=lambda: _not_posting() or not _signed_in(),
            scope="writes-user",
        ),
        ApplicationLimit(
            lambda: current_app.config["WRITE_LIMIT_IP"],
            key_function=get_remote_address,
            methods=["POST"],
            exempt_when=lambda: _not_posting() or _signed_in(),
            scope="writes-ip",
        ),
        ApplicationLimit(
            _create_limit,
            key_function=lambda: f"{user_key()}:{request.endpoint}",
            methods=["POST"],
            exempt_when=lambda: _not_posting() or _not_a_creation(),
            scope="creates",
        ),
    ]


def configure_proxy(app: Flask) -> None:
    """Trusts ``X-Forwarded-For`` and ``X-Forwarded-Proto`` from ``COMMUNITY_PROXY_FIX`` proxies in
    front of the app (0: none, the default, as a header from the client cannot then be trusted). The
    ``Host`` header is kept as it arrives: the proxy passes it on (space host names depend on it)."""
    proxies = int(app.config.get("PROXY_FIX") or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
