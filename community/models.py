"""Every model, imported once so SQLAlchemy's metadata and Alembic see the whole schema."""

from community.accounts.models import User
from community.geo import CustomPlace
from community.notifications.models import Notification
from community.spaces.models import Invitation, Membership, Municipality, Space

__all__ = ["CustomPlace", "Invitation", "Membership", "Municipality", "Notification", "Space", "User"]
