"""The token's school's figures (/api/kpi/daily, /summary, /overview)."""
