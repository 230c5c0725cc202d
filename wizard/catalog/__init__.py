"""What PyTorch publishes: the bundled data file, the live index reader and the cache."""

from wizard.catalog.model import Catalog, Release, load_bundled

__all__ = ["Catalog", "Release", "load_bundled"]
