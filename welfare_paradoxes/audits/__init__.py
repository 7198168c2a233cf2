"""Audits of the thesis text: its numeric claims (the ledger) and its citations."""
