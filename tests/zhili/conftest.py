from .helpers import frozen  # noqa: F401
