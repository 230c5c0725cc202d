"""Package names compared the way indexes and uv compare them (PEP 503 normalisation).

The same rule as `packaging.utils.canonicalize_name`, without importing `packaging.utils`,
which loads `packaging.tags` (logging, subprocess, sysconfig): about 10 ms that `--yes` and
the first screen do not need.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[-_.]+")


def canonical_name(name: str) -> str:
    """`Torch_Vision` → `torch-vision`: runs of `-`, `_` and `.` become one `-`, lower case."""
    return _SEPARATORS.sub("-", name).lower()
