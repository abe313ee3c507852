"""The intake service: the built site, the forms behind signed links, receipts."""
