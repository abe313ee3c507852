"""The `sip-backoffice` command line: thin wrappers around the library modules."""
import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sip-handboken", message="%(version)s")
def main():
    """Backoffice för SIP-handboken."""
