"""Notifications (being written)."""


def on_visit_submitted(visit_id: int) -> None:
    """Tell the school's headteacher of the visit's agreed actions (being written)."""
