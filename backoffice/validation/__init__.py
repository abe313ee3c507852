"""Tables and web posts checked against a form: reading sources, Frictionless checks, Swedish reports."""
