"""Blinker signals: how packages tell each other what happened without importing each other.

Each signal is sent by a service after it has flushed its change, with the acting user as ``by``.
"""

from blinker import Namespace

_signals = Namespace()

user_registered = _signals.signal("user-registered")
"""Sent by ``accounts.services.register`` with the new ``user``."""

user_confirmed = _signals.signal("user-confirmed")
"""Sent by ``accounts.services.confirm_email`` with the ``user`` whose e-mail is now confirmed."""

space_created = _signals.signal("space-created")
"""Sent by ``spaces.services.create_space`` with the ``space`` and ``by`` (the staff member)."""

space_archived = _signals.signal("space-archived")
"""Sent by ``spaces.services.archive_space`` with the ``space`` and ``by``."""

member_joined = _signals.signal("member-joined")
"""Sent when a membership becomes active (joined, approved, invitation accepted): ``membership``."""

member_left = _signals.signal("member-left")
"""Sent by ``spaces.services.leave_space`` with the ``space`` and the ``user`` who left."""

member_role_changed = _signals.signal("member-role-changed")
"""Sent by ``spaces.services.change_role`` with the ``membership``, its ``previous`` role and ``by``."""

demo_seeded = _signals.signal("demo-seeded")
"""Sent by ``demo.seed_demo`` after the core demo exists, with ``users`` (by e-mail) and ``spaces``
(by slug), so each feature package adds its own demo data."""

demo_scaling = _signals.signal("demo-scaling")
"""Sent by ``demo.seed_scale`` once the scale users and spaces exist, with ``scale`` (1 = a city like
Aarhus), ``user_ids``, ``space_ids`` and ``progress`` (a function taking a label and a count), so each
feature package bulk-inserts its share of benchmark data."""

content_reported = _signals.signal("content-reported")
"""Sent by ``moderation.services.report`` with the reported object, its ``case`` and ``by``."""

user_blocked = _signals.signal("user-blocked")
"""Sent by ``moderation.services.block`` with the user who blocked and the ``other``."""

account_exporting = _signals.signal("account-exporting")
"""Sent by ``moderation.privacy.export_data`` with the ``user`` whose data is being assembled. Each
package that keeps rows about people answers with ``{"name": [records…]}`` (JSON-ready dicts), and
may add ``"files": [paths]`` of images the person uploaded."""

account_deleting = _signals.signal("account-deleting")
"""Sent by ``moderation.privacy.delete_account`` before the ``user`` is anonymised, with
``keep_content`` (True: posts and comments stay, shown as "a former member"; False: deleted). Each
package erases or anonymises its own rows: private messages deleted, requests and consents
anonymised."""
