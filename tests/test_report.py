"""The lock report's table, as the plain front ends and the full-screen Lock step show it."""

from __future__ import annotations

from wizard.lock import LockedPackage, LockReport, TargetLock
from wizard.report import lock_report_text

CU126 = "https://download.pytorch.org/whl/cu126"


def _report() -> LockReport:
    def target(platform: str, extra: str, version: str, index: str) -> TargetLock:
        torch = LockedPackage("torch", version, extra, index)
        return TargetLock(platform, extra, {"torch": torch}, 1_000, 1, False)

    return LockReport(
        (
            target("linux-x86_64", "cu126", "2.14.1+cu126", CU126),
            target("macos-arm64", "cu126", "2.14.1", "https://pypi.org/simple"),
        )
    )


def test_the_table_has_a_column_each_where_it_fits():
    lines = lock_report_text(_report(), width=100).splitlines()
    assert lines[0].split() == ["Target", "torch", "from", "download"]
    assert lines[2].split() == ["Linux", "x86_64", "[cu126]", "2.14.1+cu126", "cu126", "1", "kB"]


def test_a_narrow_table_gives_each_target_two_lines_instead_of_wrapped_columns():
    text = lock_report_text(_report(), width=40)
    assert text.splitlines() == [
        "Linux x86_64 [cu126]",
        "  2.14.1+cu126 from cu126, 1 kB",
        "macOS Apple Silicon [cu126]",
        "  2.14.1 from PyPI, 1 kB",
    ]
    assert all(len(line) <= 40 for line in text.splitlines())
