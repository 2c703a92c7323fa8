"""Dashboards: counts and trends per module, in the viewer's scope."""
