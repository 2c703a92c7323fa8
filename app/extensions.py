"""Extensions, created here and bound to the app in create_app()."""

from flask_appbuilder.models.sqla import Model
from flask_appbuilder.utils.legacy import get_sqla_class
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

SQLA = get_sqla_class()
# model_class=Model: FAB's metadata is ours, so Alembic sees every table.
db = SQLA(model_class=Model)
migrate = Migrate()
csrf = CSRFProtect()
