"""The dashboard's server-rendered page and what it is drawn from."""
