"""The full-screen wizard (Textual). Only this package imports Textual."""
