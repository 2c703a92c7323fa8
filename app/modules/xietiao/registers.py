"""Registers of 大协调. One line each: the rest is generated."""
