"""Registers shared by all six modules: meetings, work items, schedules, calendar, files, audit."""
