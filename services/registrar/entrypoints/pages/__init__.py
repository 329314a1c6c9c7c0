"""The registrar's HTML pages (as opposed to its JSON API under views/)."""
