"""Extension objects, unbound: each is attached to the app by a configure step in ``create_app``."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from huey import Huey
from huey.storage import MemoryStorage

from community.db import Base
from community.ratelimits import application_limits

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
babel = Babel()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, application_limits=application_limits())
#: The task queue. Storage is chosen by ``configure_huey``: SQLite by default, Redis when configured,
#: memory in immediate mode (tests). Tasks are declared against this object at import time.
huey = Huey("faelled", immediate=True, storage_class=MemoryStorage)
