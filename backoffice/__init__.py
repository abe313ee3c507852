"""SIP back office: validates, stores and compiles the follow-up data sent in by schools."""
