"""The coordinator's side: signed-in pages under /samordnare/ where the central SIP coordinator runs the
follow-up year (who has answered, an answer's versions, corrections and withdrawals, links, e-mail,
the workbook). Every action is a call of the same library the command line uses, and is logged."""
