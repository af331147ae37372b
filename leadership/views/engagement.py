"""Leadership: engagement."""
