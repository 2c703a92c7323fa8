"""The six work modules. Each package: enums.py, models.py, rules.py, registers.py, seed.py."""
