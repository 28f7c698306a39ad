"""pulse oximeter profile: see parser.py (pure) and driver.py (transport)."""
