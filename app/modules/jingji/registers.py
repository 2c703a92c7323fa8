"""Registers of 大经济. One line each: the rest is generated."""
