"""torch-wizard: put the right PyTorch build into a uv project."""

__version__ = "0.1.0"
