"""Machinery every register shares. No domain words in here."""
