"""The relay's rules and value types: what may go out now, and what an event becomes on the
wire. No database, broker, clock or environment here."""
