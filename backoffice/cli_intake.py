"""Commands for the intake stage (none yet)."""

COMMANDS = []
