"""Names the wizard compares: package names the way indexes and uv compare them (PEP 503
normalisation), PyTorch's index variants, and the packages of the torch family.

Here rather than in wizard.plan so that reading a project needs neither the planner nor the
catalog. The name rule is the same as `packaging.utils.canonicalize_name`, without importing
`packaging.utils`, which loads `packaging.tags` (logging, subprocess, sysconfig): about 10 ms
that `--yes` and the first screen do not need.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[-_.]+")

# A PyTorch index variant (the last part of its URL, and a wheel's local label): cpu, cu130,
# rocm7.2, xpu.
VARIANT_PATTERN = r"(cpu|cu\d{2,3}|rocm\d+(?:\.\d+)*|xpu)"
VARIANT = re.compile(f"^{VARIANT_PATTERN}$")

DEFAULT_INDEX_BASE = "https://download.pytorch.org/whl"
TORCH_FAMILY = ("torch", "torchvision", "torchaudio", "torchao")


def canonical_name(name: str) -> str:
    """`Torch_Vision` → `torch-vision`: runs of `-`, `_` and `.` become one `-`, lower case."""
    return _SEPARATORS.sub("-", name).lower()
