"""The dashboards are a custom page every role with any register access may open (numbers are
always in the viewer's scope)."""

from app.core import permissions

permissions.add_page("dashboard", groups=permissions.GROUPS)
