"""Registers of 大服务. One line each: the rest is generated."""
