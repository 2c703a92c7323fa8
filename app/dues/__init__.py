"""The due ledger: every open due of every register's time rules, kept in step with the writes."""
