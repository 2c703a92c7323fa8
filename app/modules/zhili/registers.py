"""Registers of 大治理. One line each: the rest is generated."""
