"""Allow `python -m backoffice` as an alias for the `sip-backoffice` command."""
from backoffice.cli import main

main()
