"""Leadership: programme."""
