"""Tasks that produce report runs (filled in with reports.services.runs)."""
