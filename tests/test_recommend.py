"""Recommendations for real machines, each row citing the fact it relies on.

Runs on the bundled catalog (offline), so the rows hold whatever the index says today.
"""

from __future__ import annotations

import pytest

from wizard.catalog import load_bundled
from wizard.hardware.profile import profile_from_dict
from wizard.recommend import recommend

CATALOG = load_bundled()


def nv(name, cc, driver, os="linux", arch="x86_64", **extra):
    return {
        "os": os,
        "arch": arch,
        **extra,
        "gpus": [
            {"vendor": "nvidia", "name": name, "compute_capability": cc, "driver_version": driver}
        ],
    }


def amd(name, gfx, **extra):
    return {
        "os": "linux",
        "arch": "x86_64",
        "gpus": [{"vendor": "amd", "name": name, "gfx": gfx}],
        **extra,
    }


def intel(name, integrated=False, os="linux"):
    return {
        "os": os,
        "arch": "x86_64",
        "gpus": [{"vendor": "intel", "name": name, "integrated": integrated}],
    }


# (id, profile, platform, backend, torch release, words that must be in the reasons, fact)
ROWS = [
    (
        "gtx1080ti-580",
        nv("NVIDIA GeForce GTX 1080 Ti", "6.1", "580.95.05"),
        "linux-x86_64",
        "cu126",
        "2.14",
        ["sm_61"],
        "Pascal sm_61 is only in cu126 and older; cu126 ended with torch 2.14",
    ),
    (
        "rtx5090-570",
        nv("NVIDIA GeForce RTX 5090", "12.0", "570.86.10"),
        "linux-x86_64",
        "cu129",
        "2.13",
        ["580"],
        "Blackwell needs cu128+; CUDA 13 needs driver >= 580; cu129 is the newest 12.x build",
    ),
    (
        "rtx4090-550",
        nv("NVIDIA GeForce RTX 4090", "8.9", "550.54.15"),
        "linux-x86_64",
        "cu126",
        "2.14",
        ["580"],
        "torch 2.15 has no CUDA 12 build; 12.x needs >= 525",
    ),
    (
        "rtx4090-580",
        nv("NVIDIA GeForce RTX 4090", "8.9", "580.95.05"),
        "linux-x86_64",
        "cu130",
        "2.15",
        ["sm_89"],
        "cu130 is the stable build PyPI also ships for 2.15",
    ),
    (
        "a100-535",
        nv("NVIDIA A100-SXM4-80GB", "8.0", "535.183.01"),
        "linux-x86_64",
        "cu126",
        "2.14",
        ["580"],
        "535 < 580: no CUDA 13; sm_80 is in cu126",
    ),
    (
        "h100-580",
        nv("NVIDIA H100 80GB HBM3", "9.0", "580.65.06"),
        "linux-x86_64",
        "cu130",
        "2.15",
        ["sm_90"],
        "580 runs CUDA 13.0; sm_90 in cu130",
    ),
    (
        "h100-570",
        nv("NVIDIA H100 80GB HBM3", "9.0", "570.124.06"),
        "linux-x86_64",
        "cu126",
        "2.14",
        ["580"],
        "570 < 580: CUDA 12 builds only, last in 2.14",
    ),
    (
        "v100-580",
        nv("Tesla V100-SXM2-32GB", "7.0", "580.95.05"),
        "linux-x86_64",
        "cu126",
        "2.14",
        ["sm_70"],
        "Volta sm_70 is not in cu130 (7.5+); cu126 has 7.0",
    ),
    (
        "t4-580",
        nv("Tesla T4", "7.5", "580.95.05"),
        "linux-x86_64",
        "cu130",
        "2.15",
        ["sm_75"],
        "sm_75 is the oldest architecture in cu130",
    ),
    (
        "b200-580",
        nv("NVIDIA B200", "10.0", "580.95.05"),
        "linux-x86_64",
        "cu130",
        "2.15",
        ["sm_100"],
        "sm_100 in cu130",
    ),
    (
        "rtx5090-580",
        nv("NVIDIA GeForce RTX 5090", "12.0", "580.95.05"),
        "linux-x86_64",
        "cu130",
        "2.15",
        ["sm_120"],
        "sm_120 in cu130",
    ),
    (
        "dgx-spark-gb10",
        nv("NVIDIA GB10", "12.1", "580.95.05", arch="aarch64"),
        "linux-aarch64",
        "cu130",
        "2.15",
        ["sm_121"],
        "sm_121 runs the sm_120 kernels of the aarch64 cu130 build",
    ),
    (
        "gh200-aarch64",
        nv("NVIDIA GH200 480GB", "9.0", "580.95.05", arch="aarch64"),
        "linux-aarch64",
        "cu130",
        "2.15",
        ["sm_90"],
        "aarch64 CUDA builds cover 8.0;9.0;10.0;...",
    ),
    (
        "jetson-orin",
        nv("Orin", "8.7", "540.4.0", arch="aarch64"),
        "linux-aarch64",
        "cpu",
        "2.15",
        ["Jetson"],
        "aarch64 wheels are SBSA builds; Jetson needs JetPack builds",
    ),
    (
        "k80-470",
        nv("Tesla K80", "3.7", "470.256.02"),
        "linux-x86_64",
        "cu118",
        "2.7",
        ["sm_37", "No CUDA build of torch 2.15"],
        "Kepler sm_37 only in cu118 builds (conda measurement), last in torch 2.7; 11.x >= 450",
    ),
    (
        "windows-rtx3060-566",
        nv("NVIDIA GeForce RTX 3060", "8.6", "566.36", os="windows"),
        "windows-x86_64",
        "cu126",
        "2.14",
        ["528.33"],
        "Windows 12.x needs >= 528.33; CUDA 13 needs 580",
    ),
    (
        "windows-rtx3060-581",
        nv("NVIDIA GeForce RTX 3060", "8.6", "581.57", os="windows"),
        "windows-x86_64",
        "cu130",
        "2.15",
        ["sm_86"],
        "581 runs CUDA 13 on Windows",
    ),
    (
        "wsl-rtx4070-576",
        nv("NVIDIA GeForce RTX 4070", "8.9", "576.02", wsl=True),
        "linux-x86_64",
        "cu126",
        "2.14",
        ["580"],
        "WSL uses the Windows driver: 576 runs CUDA 12.x, not 13",
    ),
    (
        "rx7900xtx",
        amd("Radeon RX 7900 XTX", "gfx1100"),
        "linux-x86_64",
        "rocm7.2",
        "2.15",
        ["gfx1100"],
        "gfx1100 in rocm7.2's list (uv backend table)",
    ),
    (
        "mi300x",
        amd("AMD Instinct MI300X", "gfx942"),
        "linux-x86_64",
        "rocm7.2",
        "2.15",
        ["gfx942"],
        "gfx942 in rocm7.2's list",
    ),
    (
        "strix-halo",
        amd("AMD Radeon 8060S", "gfx1151"),
        "linux-x86_64",
        "rocm7.2",
        "2.15",
        ["gfx1151"],
        "gfx1151 first appears in rocm7.2",
    ),
    (
        "radeon-780m",
        amd("AMD Radeon 780M", "gfx1103"),
        "linux-x86_64",
        "cpu",
        "2.15",
        ["gfx1103", "not in the architecture list"],
        "gfx1103 is in no ROCm build's list",
    ),
    (
        "amd-no-gfx",
        {"os": "linux", "arch": "x86_64", "gpus": [{"vendor": "amd", "name": "Radeon RX 6800"}]},
        "linux-x86_64",
        "cpu",
        "2.15",
        ["not detected"],
        "no gfx: nothing can be checked",
    ),
    (
        "arc-b580",
        intel("Intel Arc B580"),
        "linux-x86_64",
        "xpu",
        "2.15",
        ["Arc"],
        "Intel Arc runs the xpu build",
    ),
    (
        "core-ultra-igpu",
        intel("Intel Arc Graphics (Meteor Lake)", integrated=True),
        "linux-x86_64",
        "xpu",
        "2.15",
        ["Arc"],
        "Core Ultra iGPUs with Arc graphics run xpu",
    ),
    (
        "arc-windows",
        intel("Intel Arc A770", os="windows"),
        "windows-x86_64",
        "xpu",
        "2.15",
        ["Arc"],
        "xpu has Windows wheels",
    ),
    (
        "uhd620",
        intel("Intel UHD Graphics 620", integrated=True),
        "linux-x86_64",
        "cpu",
        "2.15",
        ["not among"],
        "older Intel iGPUs are not supported by xpu",
    ),
    (
        "nvidia-plus-intel-igpu",
        {
            "os": "linux",
            "arch": "x86_64",
            "gpus": [
                {"vendor": "intel", "name": "Intel Arc Graphics (Meteor Lake)", "integrated": True},
                {
                    "vendor": "nvidia",
                    "name": "NVIDIA GeForce RTX 4060 Laptop GPU",
                    "compute_capability": "8.9",
                    "driver_version": "580.95.05",
                },
            ],
        },
        "linux-x86_64",
        "cu130",
        "2.15",
        ["the NVIDIA card is used"],
        "one accelerator per platform: the NVIDIA card",
    ),
    (
        "two-nvidia-pascal-and-ampere",
        {
            "os": "linux",
            "arch": "x86_64",
            "gpus": [
                {
                    "vendor": "nvidia",
                    "name": "NVIDIA GeForce GTX 1080",
                    "compute_capability": "6.1",
                    "driver_version": "580.95.05",
                },
                {
                    "vendor": "nvidia",
                    "name": "NVIDIA GeForce RTX 3090",
                    "compute_capability": "8.6",
                    "driver_version": "580.95.05",
                },
            ],
        },
        "linux-x86_64",
        "cu126",
        "2.14",
        ["sm_61"],
        "every GPU must be covered: Pascal needs cu126",
    ),
    (
        "m3-max",
        {"os": "macos", "arch": "arm64", "gpus": [{"vendor": "apple", "name": "Apple M3 Max"}]},
        "macos-arm64",
        "default",
        "2.15",
        ["MPS"],
        "PyPI's macOS wheel includes MPS",
    ),
    (
        "intel-mac",
        {"os": "macos", "arch": "x86_64", "gpus": []},
        "macos-x86_64",
        "default",
        "2.2",
        ["2.2.2"],
        "Intel Mac wheels ended with torch 2.2.2",
    ),
    (
        "no-gpu",
        {"os": "linux", "arch": "x86_64", "gpus": []},
        "linux-x86_64",
        "cpu",
        "2.15",
        ["200 MB"],
        "CPU build about 200 MB instead of about 3 GB",
    ),
    (
        "no-gpu-aarch64",
        {"os": "linux", "arch": "aarch64", "gpus": []},
        "linux-aarch64",
        "cpu",
        "2.15",
        ["No GPU"],
        "aarch64 without GPU: CPU",
    ),
    (
        "unknown-driver",
        {
            "os": "linux",
            "arch": "x86_64",
            "gpus": [{"vendor": "nvidia", "name": "NVIDIA L4", "compute_capability": "8.9"}],
        },
        "linux-x86_64",
        "cu130",
        "2.15",
        ["driver not detected"],
        "unknown driver: said so",
    ),
]


@pytest.mark.parametrize("row", ROWS, ids=[r[0] for r in ROWS])
def test_recommendation(row):
    _id, data, platform, backend, torch, words, _fact = row
    rec = recommend(profile_from_dict(data), platform, CATALOG)
    assert (rec.backend, rec.torch) == (backend, torch), rec.reasons
    text = " ".join(rec.reasons + rec.ways_out)
    for w in words:
        assert w in text, text


def test_there_are_at_least_25_machines():
    assert len(ROWS) >= 25


def test_old_driver_gets_the_way_to_the_newest_and_not_the_plan_it_already_has():
    rec = recommend(
        profile_from_dict(nv("NVIDIA GeForce RTX 4090", "8.9", "550.54.15")),
        "linux-x86_64",
        CATALOG,
    )
    assert (rec.torch, rec.backend) == ("2.14", "cu126")
    # Keeping the driver is this recommendation: offering it as an alternative contradicts it.
    assert rec.ways_out == (
        "Upgrade the NVIDIA driver to 580 or newer to use torch 2.15 with CUDA (cu130, cu132).",
    )
    # Asked for torch 2.15, the CPU build runs; the way back to cu126 names its flags on the
    # command line and not in the wizard, where the release and the build are questions.
    forced = recommend(
        profile_from_dict(nv("NVIDIA GeForce RTX 4090", "8.9", "550.54.15")),
        "linux-x86_64",
        CATALOG,
        "2.15",
    )
    assert forced.backend == "cpu"
    assert (
        "torch 2.14 has the cu126 build for this machine "
        "(--torch 2.14 --target linux-x86_64=cu126)." in forced.ways_out
    )
    assert "torch 2.14 has the cu126 build for this machine." in forced.ways_out_in_wizard


def test_options_say_why_each_build_does_or_does_not_fit():
    rec = recommend(
        profile_from_dict(nv("NVIDIA GeForce GTX 1080 Ti", "6.1", "580.95.05")),
        "linux-x86_64",
        CATALOG,
    )
    by = {o.backend: o for o in rec.options}
    assert by["cu126"].fits
    assert not by["cu130"].fits and "no kernels for sm_61" in by["cu130"].reason
    assert by["cpu"].fits


def test_target_without_a_machine_defaults_to_cpu():
    rec = recommend(None, "linux-x86_64", CATALOG)
    assert rec.backend == "cpu" and "No hardware is known" in rec.reasons[0]


def test_python_without_wheels_picks_an_older_release():
    rec = recommend(
        profile_from_dict({"os": "linux", "arch": "x86_64", "gpus": []}),
        "linux-x86_64",
        CATALOG,
        python="3.10",
    )
    assert rec.torch == "2.14"
    assert "no wheels for Python 3.10" in " ".join(rec.reasons)


def test_the_plan_says_why_the_newest_release_was_passed_over():
    from wizard.plan import Choices, TargetChoice, make_plan

    catalog = load_bundled()
    linux = (TargetChoice("linux-x86_64", "cu130"),)
    with_vision = make_plan(Choices(linux, companions=("torchvision",)), catalog)
    assert with_vision.torch_release == "2.14"
    assert "Not torch 2.15: no torchvision release is paired with torch 2.15." in with_vision.notes
    alone = make_plan(Choices(linux), catalog)
    assert alone.torch_release == "2.15"
    assert not any(n.startswith("Not torch") for n in alone.notes)


def test_a_gpu_without_kernels_is_not_told_to_upgrade_its_driver():
    # Pascal on driver 550: cu130/cu132 need driver 580, but they have no sm_61 kernels
    # either, so a new driver would not help; torch 2.14 with cu126 does.
    rec = recommend(
        profile_from_dict(nv("NVIDIA GeForce GTX 1080", "6.1", "550.54.15")),
        "linux-x86_64",
        CATALOG,
    )
    assert (rec.backend, rec.torch) == ("cu126", "2.14")
    assert not any("Upgrade the NVIDIA driver" in w for w in rec.ways_out)
    by = {o.backend: o for o in rec.options}
    assert "no kernels for sm_61" in by["cu130"].reason
    assert rec.ways_out == (
        "torch 2.15 has no kernels for this GPU; newer releases will not bring them back.",
    )


def test_a_gpu_whose_own_kernels_are_built_in_says_so_plainly():
    rec = recommend(
        profile_from_dict(nv("NVIDIA GeForce RTX 3060", "8.6", "580.95.05")),
        "linux-x86_64",
        CATALOG,
    )
    assert "it has sm_86 kernels" in rec.summary and "sm_86 runs sm_86" not in rec.summary


def test_passing_over_a_newer_cuda_build_that_fits_says_why():
    rec = recommend(
        profile_from_dict(nv("NVIDIA GeForce RTX 3060", "8.6", "581.57", os="windows")),
        "windows-x86_64",
        CATALOG,
    )
    assert rec.backend == "cu130"
    # not a reason about Linux (PyPI's torch for Windows is CPU-only)
    assert (
        "cu132 fits too; cu130 is the most tested: it is PyTorch's default CUDA version "
        "(PyPI's Linux torch is built with it; PyPI's torch for Windows is CPU-only)."
        in rec.reasons
    )
