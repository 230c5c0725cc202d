"""Widgets of the full-screen wizard."""
