"""The dashboard service: a school admin's morning page and its API (KPI tiles against the
period before, daily trends, the action rail of what needs doing). It owns the database
`PREFIX + dashboard` (registration states, daily status counts, invoices, schools and their
rail targets, kept from events) and asks the KPI service and the notifier for the rest."""
