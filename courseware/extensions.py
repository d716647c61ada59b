"""Extension objects, created here and bound to an app in ``create_app``."""

from typing import TYPE_CHECKING

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Each request has its own session; objects stay usable after a commit without reloading them.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
# The base class of every model: db.Model, which type checkers know as the declarative Base it extends.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def verify_limit() -> str:
    """The rate limit of the public checks (certificate verification, credentials and their status lists),
    per address: ``VERIFY_RATE_LIMIT``, read when a request comes in."""
    return current_app.config["VERIFY_RATE_LIMIT"]
