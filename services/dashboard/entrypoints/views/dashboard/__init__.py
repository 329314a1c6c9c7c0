"""/api/dashboard: the overview and the school's rail targets."""
