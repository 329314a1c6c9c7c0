"""The families' link pages (unsubscribe, confirm a yes again): HTML, not the API."""
