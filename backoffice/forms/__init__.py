"""The forms as declared in forms/<id>.schema.yaml, and what is derived from them (web form, template)."""
