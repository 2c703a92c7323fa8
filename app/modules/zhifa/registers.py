"""Registers of 大执法. One line each: the rest is generated."""
