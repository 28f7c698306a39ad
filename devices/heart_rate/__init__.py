"""heart rate profile: see parser.py (pure) and driver.py (transport)."""
