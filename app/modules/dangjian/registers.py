"""Registers of 大党建. One line each: the rest is generated."""
