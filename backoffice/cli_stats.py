"""Commands for the stats stage (none yet)."""

COMMANDS = []
