"""Commands for the core stage (none yet)."""

COMMANDS = []
