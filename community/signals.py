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

content_moderated = _signals.signal("content-moderated")
"""Sent by ``moderation.services`` with an object whose moderation state (hidden, held, visible) or
text a moderator (or enough reports) just changed, before the flush: pages that keep a version of
what they show (the live Q&A hour) move it on."""

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
# --- maintenance: fault reports (engagement tracks the municipality's promise to answer them) ---------

fault_reported = _signals.signal("fault-reported")
"""Sent by ``maintenance.services.faults.report_fault`` with the new ``report`` (a ``FaultReport``:
``id``, ``municipality_id``, ``created_at``, ``category_label``, ``where``) and ``by`` (the reporter)."""

fault_updated = _signals.signal("fault-updated")
"""Sent by ``maintenance.services.faults.update`` with the ``report`` (its ``category`` and ``status``
too) and ``by`` (whoever handles it) each time a status or a public note is published on it; the first
one acknowledges the report, and its followers hear of it."""

maintenance_request_changed = _signals.signal("maintenance-request-changed")
"""Sent by ``maintenance.services.requests`` when a club asks its contractor for something, the
contractor accepts, proposes another time or declines, the club accepts a proposal, or either side
writes: the ``request`` (a ``ChangeRequest``), ``by``, the notification ``kind``, the ``people`` it
concerns (the other side) and the ``context`` of the notification."""

# --- helpdesk: a request for digital help ---------------------------------------------------------------

help_request_changed = _signals.signal("help-request-changed")
"""Sent by ``helpdesk.services`` when someone asks for digital help, a volunteer says yes or is
assigned, the volunteer leaves (handed back, released), a time is agreed, or the request is cancelled:
the ``request`` (a ``HelpRequest``), ``by``, the ``kind`` its followers hear, ``told`` ({user: kind}:
the people it concerns personally, in their own words), ``joining`` (who now follows it) and the
``context`` of the notifications."""

# --- engagement: the municipality asks and answers ------------------------------------------------------

question_asked = _signals.signal("question-asked")
"""Sent by ``engagement.services.qa.ask`` with the new ``question`` and ``by`` (the asker); the question
is published at once, or waits for a moderator when the session is pre-moderated."""

question_published = _signals.signal("question-published")
"""Sent by ``engagement.services.qa`` when a ``question`` becomes visible to everyone (asked in a
session without pre-moderation, or published by a moderator ``by``)."""

question_withdrawn = _signals.signal("question-withdrawn")
"""Sent by ``engagement.services.qa`` when a published ``question`` is hidden or merged into another by
the moderator ``by``: it no longer waits for an answer."""

question_answered = _signals.signal("question-answered")
"""Sent by ``engagement.services.qa.answer`` with the ``question`` and ``by`` (the host who answered)."""

site_proposed = _signals.signal("site-proposed")
"""Sent by ``engagement.services.consultations.propose_site`` with the new ``site`` and ``by``."""

site_accepted = _signals.signal("site-accepted")
"""Sent by ``engagement.services.consultations.accept_site`` with the ``site`` (now a candidate) and
``by`` (the staff member)."""

consultation_decided = _signals.signal("consultation-decided")
"""Sent by ``engagement.services.consultations.publish_decision`` with the ``consultation`` and ``by``."""

idea_submitted = _signals.signal("idea-submitted")
"""Sent by ``engagement.services.ideas.submit`` with the new ``idea`` and ``by`` (its author)."""

idea_threshold_reached = _signals.signal("idea-threshold-reached")
"""Sent by ``engagement.services.ideas.support`` with the ``idea`` whose support has just reached the
municipality's threshold, and ``by`` (the supporter who tipped it)."""

idea_state_changed = _signals.signal("idea-state-changed")
"""Sent by ``engagement.services.ideas.respond`` with the ``idea``, its ``response`` (the public official
response, with ``from_state`` and ``to_state``) and ``by`` (the staff member)."""

promise_overdue = _signals.signal("promise-overdue")
"""Sent by ``engagement.services.promises.escalate_overdue`` with each ``item`` (a ``TrackedItem``) that
has passed its promised deadline unanswered, once per item."""

post_created = _signals.signal("post-created")
"""Sent by ``villages.services.posts.create_post`` after the flush, with the ``post``, its ``space``
and ``by``: the author follows it, and the space's followers hear of it."""

comment_created = _signals.signal("comment-created")
"""Sent by ``villages.services.comments.add_comment`` after the flush, with the ``comment``, its
``post``, ``space``, the comment it answers (``parent``, or None) and ``by``: the writer follows the
post, and its followers hear of it (unless the comment waits for a moderator)."""

rsvp_changed = _signals.signal("rsvp-changed")
"""Sent by ``villages.services.events.rsvp`` with the ``post`` (an event), its ``space``, the
``status`` and ``by``: answering an event follows it."""

idea_supported = _signals.signal("idea-supported")
"""Sent by ``engagement.services.ideas.support`` with the ``idea`` and ``by``: supporting follows it."""

idea_commented = _signals.signal("idea-commented")
"""Sent by ``engagement.services.ideas.comment`` with the ``idea``, the ``comment`` and ``by``: the
writer follows the idea, and its followers hear of the comment."""
