"""督办预警: the escalation list across every register with time rules, and the sweep."""
