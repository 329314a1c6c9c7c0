"""One function per command or query: folding an event into the tables, an overview, the
rail targets. Each opens its own transaction and knows no HTTP."""
