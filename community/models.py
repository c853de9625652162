"""Every model, imported once so SQLAlchemy's metadata and Alembic see the whole schema."""

from community.accounts.models import User
from community.geo import CustomPlace
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
    "Comment",
    "CommentThanks",
    "Conversation",
    "ConversationMember",
    "CustomPlace",
    "EventRsvp",
    "HelpAlert",
    "Invitation",
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
]
