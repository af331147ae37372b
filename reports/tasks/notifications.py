"""Tasks that send notifications (filled in with reports.services.notifications)."""
