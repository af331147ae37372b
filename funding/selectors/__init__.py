"""Reads of the funding app shared by views, exports, the statement command and reports."""
