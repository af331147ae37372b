"""The subject-access export: everything held about one person, gathered by the sections
registered in `registry` (one module per app area in `sections/`)."""
