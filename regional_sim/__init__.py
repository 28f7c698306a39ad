"""Reference regional backend: FHIR R4 subset, TURN REST credentials, demo data (see README.md)."""
