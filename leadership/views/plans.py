"""Leadership: plans."""
