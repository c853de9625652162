"""Every model, imported once so SQLAlchemy's metadata and Alembic see the whole schema."""

from community.accounts.models import User
from community.geo import CustomPlace
from community.helpdesk.models import (
    Booking,
    DropInSession,
    Guide,
    GuideStep,
    HelpRequest,
    HelpTopic,
    Match,
    VolunteerProfile,
)
from community.notifications.models import Notification
from community.spaces.models import Invitation, Membership, Municipality, Space
from community.villages.models import (
    Comment,
    CommentThanks,
    Conversation,
    ConversationMember,
    EventRsvp,
    HelpAlert,
    Message,
    PollOption,
    PollVote,
    Post,
    PostImage,
    PostThanks,
    Tag,
)

__all__ = [
    "Booking",
    "Comment",
    "CommentThanks",
    "Conversation",
    "ConversationMember",
    "CustomPlace",
    "DropInSession",
    "EventRsvp",
    "Guide",
    "GuideStep",
    "HelpAlert",
    "HelpRequest",
    "HelpTopic",
    "Invitation",
    "Match",
    "Membership",
    "Message",
    "Municipality",
    "Notification",
    "PollOption",
    "PollVote",
    "Post",
    "PostImage",
    "PostThanks",
    "Space",
    "Tag",
    "User",
    "VolunteerProfile",
]
