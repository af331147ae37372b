"""The reports app's pages: the home page, report runs and batches, the evaluation report's
draft, the dashboard and notifications (one module each)."""

from .home import HomeView

__all__ = ["HomeView"]
