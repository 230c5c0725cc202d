"""App-wide messages: the workers' results, and the state change every screen listens to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from wizard.catalog.model import Catalog
    from wizard.hardware.profile import HardwareProfile


@dataclass
class HardwareDetected(Message):
    """The hardware probes finished (or the --hardware profiles were read)."""

    profiles: tuple[HardwareProfile, ...]
    notes: tuple[str, ...] = ()


@dataclass
class HardwareFailed(Message):
    message: str


@dataclass
class CatalogLoaded(Message):
    """The PyTorch index was read (or the bundled catalog, offline or as a fallback)."""

    catalog: Catalog
    wanted: tuple[str, str] | None = None  # (index base, channel) it was read for


@dataclass
class CatalogFailed(Message):
    message: str


class StateChanged(Message):
    """Facts arrived or answers changed: screens showing them re-render."""
