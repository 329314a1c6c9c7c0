"""The dashboard's HTTP side: the JSON API (/api/dashboard) and the page (/admin/dashboard)."""
