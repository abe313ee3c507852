"""E-mail to the schools: their addresses, the messages, the SMTP relay and the delivery log."""
