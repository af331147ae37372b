"""Leadership: teams."""
