"""The teaching texts behind every choice the wizard offers (`torch-wizard explain TOPIC`).

Plain data and plain text: this module imports neither Textual nor questionary, so every front end
(and the `explain` command) can show the same words. Each `Topic` names its sources, and its
`key_facts` are the exact strings the text must keep (the tests check them; `render` never splits
them across lines).

A paragraph whose lines start with four spaces is kept as it is (a TOML or code example);
every other paragraph is wrapped to the width asked for.
"""

from __future__ import annotations

import difflib
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from wizard.errors import BadInput
from wizard.wrap import breakable, joined

_NBSP = "\u00a0"  # textwrap never breaks at it: key facts stay on one line
_PRE = "    "  # paragraphs of lines with this indent are printed verbatim


@dataclass(frozen=True)
class Topic:
    """One subject: a title, a one-line summary, a few paragraphs, and where the facts come from."""

    name: str  # kebab-case, what `torch-wizard explain NAME` takes
    title: str
    summary: str  # one line
    text: str  # paragraphs separated by blank lines
    sources: tuple[str, ...]
    key_facts: tuple[str, ...]  # exact strings that `text` contains


def _paragraphs(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs)


_TOPIC_LIST: tuple[Topic, ...] = (
    Topic(
        name="indexes",
        title="Why PyTorch has one index per variant",
        summary="Why each build has its own index and a label like +cu130.",
        text=_paragraphs(
            "A wheel's file name says which Python, operating system and CPU it is for, but it "
            "has no field for the GPU stack: a torch built against CUDA 13.0 and a torch built "
            "for the CPU only have the same tags. PyTorch therefore publishes each build on its "
            "own index, https://download.pytorch.org/whl/<variant>, with variants such as cpu, "
            "cu126, cu128, cu130, cu132, rocm7.2 and xpu.",
            "The builds on those indexes carry a local version label, the part after '+': "
            "2.15.0+cu130 is release 2.15.0 built with CUDA 13.0, and 2.15.0+cpu is its CPU "
            "build. A version specifier without a label, such as torch==2.15.0 or "
            "torch>=2.15,<2.16, matches every labelled build of that release (PEP 440, 'Local "
            "version identifiers'). PEP 440 also says public index servers should not accept "
            "local labels, and PyPI refuses them, so PyPI has one unlabelled torch per "
            "platform (see `torch-wizard explain pypi-default`).",
            "Which index a package comes from is therefore written in pyproject.toml. "
            "torch-wizard writes one [[tool.uv.index]] per variant it uses, named "
            "pytorch-<variant> with the url <base>/<variant>, and points each torch-family "
            "package at it in [tool.uv.sources].",
        ),
        sources=(
            "PEP 440, 'Local version identifiers' (peps.python.org/pep-0440)",
            "PyTorch 'Get started' install commands (pytorch.org/get-started/locally)",
            "uv documentation, 'Package indexes' (docs.astral.sh/uv/concepts/indexes)",
        ),
        key_facts=(
            "https://download.pytorch.org/whl/<variant>",
            "2.15.0+cu130",
            "2.15.0+cpu",
            "PEP 440",
            "pytorch-<variant>",
        ),
    ),
    Topic(
        name="explicit-index",
        title="Explicit indexes and dependency confusion",
        summary="Explicit indexes, and the 2022 torchtriton attack.",
        text=_paragraphs(
            "pip's --extra-index-url adds an index to one pool: for every package, pip looks at "
            "all indexes together and installs the best version it finds anywhere. That is how "
            "the PyTorch nightly builds were attacked. Nightly torch depended on a package "
            "named torchtriton that was hosted on the nightly index; someone uploaded a package "
            "of the same name to PyPI, and Linux installs of PyTorch-nightly made with pip "
            "between December 25 and December 30, 2022 got PyPI's copy, which ran a malicious "
            "binary. PyTorch described it in the blog post 'Compromised PyTorch-nightly "
            "dependency chain between December 25th and December 30th, 2022' and renamed the "
            "package to pytorch-triton.",
            "The same pooling causes an everyday problem: the PyTorch indexes also carry copies "
            "of common packages (numpy, jinja2, sympy and others), often older than on PyPI, "
            "and they can shadow PyPI's releases.",
            "An index marked explicit = true in [[tool.uv.index]] is used only for the packages "
            "that [tool.uv.sources] pins to it; every other package comes from PyPI (uv "
            "documentation, 'Package indexes'). Even for indexes that are not explicit, uv's "
            "default index strategy, first-index, takes a package from the first index that "
            "has it instead of comparing versions across indexes. torch-wizard writes every "
            "PyTorch index with explicit = true.",
        ),
        sources=(
            "PyTorch blog, 'Compromised PyTorch-nightly dependency chain between December 25th "
            "and December 30th, 2022' (pytorch.org/blog/compromised-nightly-dependency)",
            "uv documentation, 'Package indexes' (docs.astral.sh/uv/concepts/indexes)",
            "pytorch/pytorch#92226 (other names from the nightly index registered on PyPI)",
        ),
        key_facts=(
            "--extra-index-url",
            "torchtriton",
            "December 25 and December 30, 2022",
            "pytorch-triton",
            "explicit = true",
            "first-index",
        ),
    ),
    Topic(
        name="pypi-default",
        title="What PyPI's torch is on each platform",
        summary="PyPI's torch: CUDA 13 on Linux, CPU-only on Windows.",
        text=_paragraphs(
            "PyPI has one torch per platform, without a local label, and which build it is "
            "depends on the platform. On Linux x86_64 it is a CUDA build: CUDA 13.0 since torch "
            "2.11 (CUDA 12.8 in 2.9 and 2.10). The torch 2.15.0 wheel for Linux x86_64 is "
            "539 MB and depends on the CUDA 13 nvidia-* wheels; locking plain torch there with "
            "Python 3.12 comes to about 3 GB of wheels (seen on PyPI on 2026-11-23).",
            "On Linux aarch64, PyPI's torch is also CUDA 13.0 since torch 2.11; earlier "
            "releases were CPU-only there. On Windows, PyPI's torch is CPU-only: the CUDA "
            "builds for Windows are only on the PyTorch indexes, so a Windows machine with an "
            "NVIDIA GPU needs a CUDA index even when Linux takes PyPI's wheel. On macOS the "
            "wheel is for Apple Silicon (macosx_14_0_arm64 for 2.15.0), includes the MPS "
            "backend and has no label (see `torch-wizard explain mps`).",
            "So plain torch from PyPI is the right build on a Mac, about 3 GB of unused GPU "
            "libraries on a CPU-only Linux machine or CI runner, and silently CPU-only on a "
            "Windows machine with an NVIDIA GPU.",
        ),
        sources=(
            "PyPI file listing and metadata of torch 2.15.0, seen 2026-11-23",
            "pytorch/test-infra tools/scripts/generate_binary_build_matrix.py, history of "
            "STABLE_CUDA_VERSIONS (which CUDA the PyPI wheel carries)",
        ),
        key_facts=(
            "CUDA 13.0 since torch 2.11",
            "539 MB",
            "nvidia-*",
            "about 3 GB",
            "Linux aarch64",
            "CPU-only",
            "macosx_14_0_arm64",
            "MPS",
            "no label",
        ),
    ),
    Topic(
        name="cpu-vs-cuda",
        title="CPU build or CUDA build",
        summary="About 200 MB against about 3 GB; when CPU is right.",
        text=_paragraphs(
            "A CUDA build of torch is large because it carries the GPU libraries: on Linux "
            "x86_64, torch 2.15.0 with its CUDA 13 nvidia-* wheels comes to about 3 GB (PyPI, "
            "2026-11-23). The CPU build from https://download.pytorch.org/whl/cpu is about "
            "200 MB (an estimate for recent releases; it was not measured for 2.15.0). Every "
            "virtual environment, Docker image and CI cache pays the difference.",
            "The CPU build is right when the machine has no GPU that torch supports, for CI "
            "runners that only run tests, for Docker images that serve small models on CPUs, "
            "and for laptops whose GPU you do not use. A CUDA build helps only on a machine "
            "with an NVIDIA GPU whose driver and compute capability fit it (see "
            "`torch-wizard explain driver` and `torch-wizard explain compute-capability`); "
            "anywhere else it runs on the CPU, like "
            "the CPU build, after a larger download.",
            "Both builds have the same Python API, and code that checks "
            "torch.cuda.is_available() runs unchanged on either. If one project needs both "
            "builds on the same platform, make them selectable variants (see "
            "`torch-wizard explain markers-vs-extras`).",
        ),
        sources=(
            "PyPI file listing of torch 2.15.0 and its nvidia-* dependencies, seen 2026-11-23",
            "PyTorch CPU index, https://download.pytorch.org/whl/cpu (size not measured here)",
        ),
        key_facts=(
            "about 3 GB",
            "about 200 MB",
            "https://download.pytorch.org/whl/cpu",
            "torch.cuda.is_available()",
        ),
    ),
    Topic(
        name="driver",
        title="Driver, CUDA toolkit, and the 'CUDA Version' nvidia-smi prints",
        summary="NVIDIA driver vs toolkit; CUDA 13.x needs driver 580+.",
        text=_paragraphs(
            "Three different things get called the CUDA version. The driver is installed with "
            "the operating system and talks to the GPU. The CUDA toolkit (nvcc and the CUDA "
            "libraries) is what a program is built with; a torch wheel brings the parts of it "
            "that it needs, so you do not install a toolkit to use torch. The 'CUDA Version' "
            "that nvidia-smi prints is neither: it is the newest CUDA the installed driver "
            "supports. Drivers from 610 on label it 'CUDA UMD Version'.",
            "What matters is whether the driver is new enough for the build. Under CUDA minor "
            "version compatibility, every 13.x build runs on a driver >= 580 and every 12.x "
            "build on a driver >= 525 (NVIDIA CUDA Toolkit release notes, Table 2); on "
            "Windows, uv requires >= 528.33 for the 12.x builds (uv, "
            "crates/uv-torch/src/backend.rs). Features that compile PTX at run time can still "
            "need the driver that came with the toolkit (Table 3: 580.65.06 on Linux for CUDA "
            "13.0 GA). So nvidia-smi showing 'CUDA Version: 12.4' does not mean you need a "
            "cu124 build: a cu126 build runs on that driver too.",
            "torch 2.15 has no CUDA 12 build: cu126 was last in 2.14 (PyTorch dev-discuss, "
            "2026-09-04). With a driver older than 580 there are two ways out: upgrade the "
            "driver, or stay on torch 2.14 with cu126.",
        ),
        sources=(
            "NVIDIA CUDA Toolkit release notes, Table 2 (minor version compatibility) and "
            "Table 3 (driver packaged with each toolkit)",
            "uv, crates/uv-torch/src/backend.rs (minimum drivers for --torch-backend=auto)",
            "PyTorch dev-discuss, 2026-09-04: cu126 removed from torch 2.15",
            "nvidia-smi output of drivers 610 and newer",
        ),
        key_facts=(
            "CUDA Version",
            "CUDA UMD Version",
            "610",
            ">= 580",
            ">= 525",
            "528.33",
            "Table 2",
            "cu126 was last in 2.14",
        ),
    ),
    Topic(
        name="compute-capability",
        title="Compute capability: which builds have kernels for your GPU",
        summary="sm_XX: which CUDA builds have kernels for your GPU.",
        text=_paragraphs(
            "Every NVIDIA GPU has a compute capability, written sm_XX: sm_61 for Pascal cards "
            "such as the GTX 1080, sm_70 for Volta (V100), sm_75 for Turing (T4), sm_80 and "
            "sm_86 for Ampere (A100, RTX 30 series), sm_89 for Ada (RTX 40 series), sm_90 for "
            "Hopper (H100), sm_100 and sm_120 for Blackwell (B200, RTX 50 series). A torch "
            "build contains compiled kernels for a fixed list of them. Kernels compiled for "
            "sm_XY also run on sm_XZ when Z >= Y (sm_86 kernels run on sm_89), never on an "
            "older GPU or another major version (NVIDIA CUDA C++ Programming Guide, 'Binary "
            "Compatibility'); PTX, which some builds add for the newest architecture, lets a "
            "newer GPU compile kernels at load time but never helps an older one.",
            "The lists for Linux x86_64 and Windows (PyTorch RELEASE.md, CUDA support matrix; "
            ".ci/manywheel/build_cuda.sh): cu126 has sm_50, sm_60, sm_70, sm_75, sm_80, sm_86 "
            "and sm_90, Maxwell to Hopper, no Blackwell. cu128 never had sm_50 or sm_60; it had "
            "Volta sm_70 in torch 2.8 to 2.10 only and dropped it in 2.11. cu130 and cu132 "
            "have sm_75 to sm_120. So a Pascal "
            "sm_61 card runs only on cu126 and older (on their sm_60 kernels), and Blackwell "
            "sm_100/sm_120 needs cu128 or newer (first in torch 2.7). Linux aarch64 builds "
            "have only sm_80 and newer.",
            "On a GPU outside the list, torch imports fine and the first GPU operation fails "
            "with 'no kernel image is available for execution on the device'. Since torch 2.15 "
            "has no cu126 build, the newest torch for Pascal and Volta cards is 2.14.",
        ),
        sources=(
            "pytorch/pytorch RELEASE.md, 'PyTorch CUDA Support Matrix'",
            "pytorch/pytorch .ci/manywheel/build_cuda.sh (TORCH_CUDA_ARCH_LIST per variant)",
            "pytorch/pytorch#172352 and dev-discuss 'Dropping Volta support from CUDA-12.8 "
            "binaries for release 2.11'",
            "NVIDIA CUDA C++ Programming Guide, 'Binary Compatibility'",
        ),
        key_facts=(
            "sm_61",
            "sm_70",
            "sm_86",
            "sm_100/sm_120",
            "cu128 or newer",
            "only on cu126 and older",
            "in 2.11",
            "no kernel image is available",
        ),
    ),
    Topic(
        name="rocm",
        title="AMD GPUs: ROCm variants and gfx targets",
        summary="AMD GPUs: gfx targets per ROCm build.",
        text=_paragraphs(
            "AMD GPUs are identified by a gfx target rather than a compute capability: gfx1100 "
            "is the Radeon RX 7900 XTX, gfx1201 the RX 9070 XT, gfx942 the Instinct MI300X, "
            "gfx90a the MI210 and MI250. Each ROCm variant on the PyTorch index (rocm7.1, "
            "rocm7.2, ...) is compiled for a fixed list of targets, and a GPU outside the list "
            "is not supported by that build.",
            "rocm7.2 covers gfx900, gfx906, gfx908, gfx90a, gfx942, gfx950, gfx1030, gfx1100, "
            "gfx1101, gfx1102, gfx1150, gfx1151, gfx1200 and gfx1201; gfx1150 and gfx1151 are "
            "new in rocm7.2 (the table uv's --torch-backend=auto uses, "
            "crates/uv-torch/src/backend.rs). So the RX 7900 XTX (gfx1100) is covered, while "
            "the Radeon 780M integrated GPU (gfx1103) is in no ROCm variant's list and gets "
            "the CPU build.",
            "A ROCm torch depends on pytorch-triton-rocm, published with a matching version on "
            "the same ROCm index. With explicit indexes uv looks for it only where "
            "[tool.uv.sources] points, so torch-wizard pins it to the ROCm index too and lists "
            "it as a Linux dependency (uv issue #10712 shows the lock failing without it).",
        ),
        sources=(
            "uv, crates/uv-torch/src/backend.rs, gfx targets per ROCm index",
            "astral-sh/uv#10712, 'Pytorch for rocm needs explicit installation of "
            "pytorch-triton-rocm'",
            "pytorch/pytorch RELEASE.md, Triton dependency per build",
        ),
        key_facts=(
            "gfx1100",
            "RX 7900 XTX",
            "gfx1103",
            "780M",
            "rocm7.2",
            "pytorch-triton-rocm",
        ),
    ),
    Topic(
        name="xpu",
        title="Intel GPUs: the xpu index",
        summary="Intel Arc, Data Center GPU Max and Core Ultra GPUs.",
        text=_paragraphs(
            "Intel GPUs run PyTorch through the xpu backend, part of upstream torch and "
            "published on https://download.pytorch.org/whl/xpu since torch 2.5. PyTorch's "
            "'Getting Started on Intel GPU' page lists the Intel Data Center GPU Max Series, "
            "Intel Arc A-Series and B-Series graphics, and Intel Core Ultra processors with "
            "Intel Arc graphics (Meteor Lake-H, Arrow Lake-H, Lunar Lake, and Panther Lake in "
            "the 2.12 page), on Linux and Windows 11. Other Intel integrated graphics are not "
            "on that list.",
            "Like ROCm, the xpu torch depends on a Triton built for its devices, "
            "pytorch-triton-xpu, from the same index; torch-wizard pins it there too. The "
            "Intel GPU driver must be installed on the machine; when torch comes from the "
            "index, Intel's Deep Learning Essentials are not needed (same page).",
            "In code the device is 'xpu': torch.xpu.is_available(), tensor.to('xpu').",
        ),
        sources=(
            "PyTorch documentation, 'Getting Started on Intel GPU' "
            "(docs.pytorch.org/docs/2.12/notes/get_start_xpu.html)",
            "pytorch/pytorch scripts/install_triton_wheel.sh (pytorch-triton-xpu)",
            "pytorch/test-infra tools/scripts/generate_binary_build_matrix.py (xpu from 2.5)",
        ),
        key_facts=(
            "https://download.pytorch.org/whl/xpu",
            "Data Center GPU Max",
            "Arc A-Series and B-Series",
            "Core Ultra",
            "pytorch-triton-xpu",
            "torch.xpu.is_available()",
        ),
    ),
    Topic(
        name="mps",
        title="Apple GPUs: MPS",
        summary="Apple GPUs via PyPI's macOS wheel; Intel Macs end at 2.2.",
        text=_paragraphs(
            "On Apple Silicon Macs, PyTorch uses the GPU through the MPS backend (Metal "
            "Performance Shaders). It is part of the ordinary macOS wheel on PyPI: there is no "
            "MPS index and no local label, so torch-wizard takes PyPI's torch for macOS. In "
            "code the device is 'mps': torch.backends.mps.is_available(), tensor.to('mps').",
            "torch 2.15.0's macOS wheels are for arm64 and macOS 14 or newer "
            "(macosx_14_0_arm64). Intel Macs stopped at torch 2.2: the 2.2.0 release notes "
            "say 2.2.x is the last release for macOS x86_64, and 2.2.2 is the last version "
            "with such wheels (pytorch/pytorch#114602). A lock that includes macOS x86_64 as "
            "a target cannot use one newer torch release on every target (see "
            "`torch-wizard explain one-release`).",
        ),
        sources=(
            "PyTorch documentation, 'MPS backend' (docs.pytorch.org/docs/stable/notes/mps.html)",
            "PyTorch 2.2.0 release notes (github.com/pytorch/pytorch/releases/tag/v2.2.0)",
            "pytorch/pytorch#114602, '[RFC] macOS x86 builds / test deprecation'",
            "PyPI file listing of torch 2.15.0, seen 2026-11-23",
        ),
        key_facts=(
            "MPS",
            "no local label",
            "torch.backends.mps.is_available()",
            "macosx_14_0_arm64",
            "torch 2.2",
            "2.2.2",
        ),
    ),
    Topic(
        name="markers-vs-extras",
        title="One accelerator per platform, or selectable variants",
        summary="One build per platform, or variants people choose.",
        text=_paragraphs(
            "There are two ways to give different machines different builds from one lock. "
            "With markers, each platform gets exactly one variant, chosen by a PEP 508 "
            "environment marker:",
            "    [tool.uv.sources]\n"
            "    torch = [\n"
            '      { index = "pytorch-cu130", marker = "sys_platform == \'linux\'" },\n'
            '      { index = "pytorch-cu130", marker = "sys_platform == \'win32\'" },\n'
            "    ]",
            "uv sync then installs the right build on every machine with no flags; macOS, "
            "matching no entry, takes PyPI's wheel. Use markers when every machine of a "
            "platform should get the same accelerator.",
            "With extras, the person chooses. Each variant is an optional dependency (an "
            'extra) whose source entry names it, such as { index = "pytorch-cpu", extra = '
            '"cpu" }; uv sync --extra cu130 selects one, and [tool.uv] conflicts declares '
            "that the extras exclude each other (see `torch-wizard explain conflicts`). Use "
            "extras when the same platform needs different builds, such as CPU-only CI "
            "runners and CUDA workstations, both on Linux. Dependency groups work the same "
            'way (group = "cu130" in the source entry, uv sync --group cu130), but unlike '
            "extras they are not part of a published package's metadata (PEP 735).",
            "Markers must use the values Python really reports (PEP 508; Python's sys.platform "
            "and platform.machine()). sys_platform is 'linux', 'darwin' or 'win32', never "
            "'windows', so a marker sys_platform == 'windows' is never true and Windows falls "
            "through to PyPI's CPU-only wheel. platform_machine is 'x86_64' or 'aarch64' on "
            "Linux, 'AMD64' or 'ARM64' on Windows, and 'arm64' or 'x86_64' on macOS.",
        ),
        sources=(
            "PEP 508, 'Environment Markers'",
            "Python documentation, sys.platform and platform.machine()",
            "uv documentation, 'Using uv with PyTorch' and 'Managing dependencies' (sources "
            "with marker, extra and group)",
            "PEP 735, 'Dependency Groups'",
        ),
        key_facts=(
            "sys_platform == 'linux'",
            "uv sync --extra cu130",
            "'win32', never 'windows'",
            "'darwin'",
            "'x86_64' or 'aarch64' on Linux",
            "'AMD64' or 'ARM64' on Windows",
            "'arm64' or 'x86_64' on macOS",
            "conflicts",
        ),
    ),
    Topic(
        name="environments",
        title="Which platforms the lock covers",
        summary="Which platforms the lock solves for and must have wheels.",
        text=_paragraphs(
            "By default uv lock resolves for every platform and Python version the project "
            "allows, so one uv.lock serves Linux, macOS and Windows. Two settings in [tool.uv] "
            "change that (uv settings reference, 'environments' and 'required-environments').",
            "tool.uv.environments limits the resolution. With environments = "
            "[\"sys_platform == 'linux'\"], uv solves only for Linux, and uv sync on a Mac then "
            "fails because the lock does not cover it. Use it when the project will only ever "
            "run on the listed platforms: the lock is smaller and packages that exist only "
            "for other platforms no longer get in the way.",
            "tool.uv.required-environments demands wheels. For a package without a source "
            "distribution, uv by default only requires one wheel that fits the project's "
            "Python, so a lock can pick a torch that has no wheel for Windows, and the failure "
            'appears only when uv sync runs on the Windows machine. Listing "sys_platform == '
            "'win32' and platform_machine == 'AMD64'\" moves that failure to uv lock, which "
            "then picks versions that have the wheel or says why none does.",
            "torch-wizard writes every chosen target into required-environments. It writes "
            "environments only when you choose to lock for the chosen targets alone "
            "(--lock-scope targets).",
        ),
        sources=(
            "uv settings reference, 'environments' and 'required-environments' "
            "(docs.astral.sh/uv/reference/settings)",
            "uv documentation, 'Resolution: Limited resolution environments' and 'Required "
            "environments' (docs.astral.sh/uv/concepts/resolution)",
        ),
        key_facts=(
            "tool.uv.environments",
            "tool.uv.required-environments",
            "environments = [\"sys_platform == 'linux'\"]",
            "sys_platform == 'win32' and platform_machine == 'AMD64'",
            "--lock-scope targets",
        ),
    ),
    Topic(
        name="conflicts",
        title="conflicts: variants that exclude each other",
        summary="Variants that exclude each other; uv.lock's extra markers.",
        text=_paragraphs(
            "Two extras that point torch at different indexes cannot be installed together: "
            "torch can be only one build. uv normally resolves all extras of a project "
            "together, so without a declaration uv lock fails, since 2.15.0+cpu and "
            "2.15.0+cu130 cannot both be chosen. [tool.uv] conflicts names the sets that are "
            "never enabled together:",
            '    [tool.uv]\n    conflicts = [[{ extra = "cpu" }, { extra = "cu130" }]]',
            "uv then resolves each extra in its own fork, and uv sync --extra cpu --extra "
            "cu130 stops with an error instead of installing a mix. Sets can also name "
            'dependency groups ({ group = "cu130" }).',
            "In uv.lock, the markers say which extra a package belongs to in an encoded form, "
            "extra == 'extra-<len>-<project>-<extra>', where <len> is the length of the "
            "project name in bytes: for a project named demo, the cu130 extra appears as "
            "extra == 'extra-4-demo-cu130' (groups use group-<len>-...). The length lets uv "
            "split project and extra names that themselves contain '-' (uv, "
            "crates/uv-resolver/src/universal_marker.rs).",
        ),
        sources=(
            "uv documentation, 'Managing dependencies: Conflicting dependencies' "
            "(docs.astral.sh/uv/concepts/projects/config)",
            "uv, crates/uv-resolver/src/universal_marker.rs, encode_package_extra",
        ),
        key_facts=(
            "conflicts = [[",
            "uv sync --extra cpu --extra cu130",
            "extra == 'extra-<len>-<project>-<extra>'",
            "extra-4-demo-cu130",
        ),
    ),
    Topic(
        name="one-release",
        title="One torch release on every target",
        summary="One torch release on every target; paired companions.",
        text=_paragraphs(
            "A universal lock can give each platform a different version of a package: uv "
            "splits the resolution by marker into forks, and each fork picks its own versions. "
            "For torch that can mean 2.15.0 from PyPI on macOS but 2.14.0+cu126 on Linux, "
            "whenever one index lacks a release the other has (a variant that has stopped, "
            "like cu126, or a mirror that has not synced yet). The same code would then run "
            "on different torch releases.",
            "torch-wizard prevents this by writing one release range for every target, such "
            "as torch>=2.15,<2.16. A range without a local label matches both PyPI's 2.15.0 "
            "and the index's 2.15.0+cu130 (PEP 440), and still allows the patch releases "
            "2.15.1 and 2.15.2.",
            "Companion packages are built against one torch release and are paired with it: "
            "torch 2.14 with torchvision 0.29 (torchvision 0.29.2 requires torch>=2.14.0), "
            "torch 2.13 with torchvision 0.28. torchaudio stopped at 2.11 and is in "
            "maintenance: torchaudio 2.11.0 is paired with torch 2.11 and every release since, "
            "requires torch>=2.11, and has no cu132 build (pytorch/pytorch#193651), so the "
            "wizard refuses torchaudio with a cu132 build. The wizard takes "
            "these pairings from its catalog and the live index, never from guesses.",
        ),
        sources=(
            "uv documentation, 'Resolution: Universal resolution' (forks)",
            "pytorch/vision README, compatibility table",
            "pytorch/test-infra release/release_versions.sh",
            "PyPI metadata of torchvision 0.29.2 and torchaudio 2.11.0, seen 2026-11-23",
            "pytorch/pytorch#193651 (no torchaudio 2.11.0 on whl/cu132)",
        ),
        key_facts=(
            "torch>=2.15,<2.16",
            "2.15.0+cu130",
            "torch 2.14 with torchvision 0.29",
            "torchaudio stopped at 2.11",
            "no cu132 build",
        ),
    ),
    Topic(
        name="mirrors",
        title="Mirrors and credentials",
        summary="Mirrors via --index-base; credentials in UV_INDEX_* vars.",
        text=_paragraphs(
            "Many companies reach download.pytorch.org through a mirror or proxy (Artifactory, "
            "Nexus, devpi). --index-base URL replaces https://download.pytorch.org/whl as the "
            "base of every PyTorch index the wizard writes, so the index pytorch-cu130 gets "
            "the url <base>/cu130. The mirror goes into pyproject.toml rather than into uv "
            "lock --index NAME=URL, because an index given on the command line is not "
            "explicit and would also serve packages that should come from PyPI (uv 0.13.9).",
            "Credentials never go into pyproject.toml or uv.lock. uv reads them from "
            "environment variables named after the index, UV_INDEX_<NAME>_USERNAME and "
            "UV_INDEX_<NAME>_PASSWORD, where NAME is the index name upper-cased with every "
            "non-alphanumeric character replaced by an underscore (uv documentation, 'Package "
            "indexes: Providing credentials directly'). For the index pytorch-cu130 they are "
            "UV_INDEX_PYTORCH_CU130_USERNAME and UV_INDEX_PYTORCH_CU130_PASSWORD. A .netrc "
            "file or uv auth login work too. Given a URL with user:password@ in it, the wizard "
            "writes the URL without them and tells you which variables to set.",
            "An http:// base on a host other than this machine is refused unless "
            "--allow-insecure-index is given: packages fetched over plain HTTP can be altered "
            "on the way.",
        ),
        sources=(
            "uv documentation, 'Package indexes: Providing credentials directly' "
            "(docs.astral.sh/uv/concepts/indexes)",
            "uv 0.13.9, behaviour of uv lock --index NAME=URL (an index that is not explicit)",
        ),
        key_facts=(
            "--index-base",
            "<base>/cu130",
            "UV_INDEX_<NAME>_USERNAME",
            "UV_INDEX_<NAME>_PASSWORD",
            "UV_INDEX_PYTORCH_CU130_USERNAME",
            "UV_INDEX_PYTORCH_CU130_PASSWORD",
            "non-alphanumeric",
        ),
    ),
    Topic(
        name="indirect",
        title="torch pulled in by another package",
        summary="torch pulled in by another package: add it directly.",
        text=_paragraphs(
            "[tool.uv.sources] applies only to the project's direct dependencies. If torch "
            "reaches the lock only because another package requires it (sentence-transformers "
            "or another model library), the source entry for torch is "
            "ignored and uv takes torch from the default index, normally PyPI (uv issues "
            "#8253, #12065 and #15003). On Linux x86_64 that is the CUDA 13 build with about "
            "3 GB of nvidia-* wheels, even though you pointed torch at the CPU index.",
            "torch-wizard therefore adds torch, and each companion it sources, to "
            "[project] dependencies itself, with the same release range as the rest of the "
            "plan. As a direct dependency its source entry applies, and the package that "
            "needed torch is satisfied by the build you chose, as long as its own version "
            "requirement allows that release.",
            "If that package requires a torch release the chosen index does not have, uv lock "
            "fails and names both requirements; the way out is a different torch range or a "
            "different version of that package.",
            "The same holds for torchvision and torchaudio. When a model library pulls "
            "torchvision in, PyPI's torchvision would land next to the torch you chose; it is "
            "built for PyPI's torch, and torchvision checks at import that both were compiled "
            "with the same CUDA major version, so its compiled operators may refuse to load. "
            "torch-wizard reads which packages need them (from uv.lock, or from their "
            "published metadata) and makes them direct too, in the release paired with torch; "
            "the lock report warns when a companion still comes from another index than torch.",
        ),
        sources=(
            "astral-sh/uv#8253, #12065, #15003 (index pinning of transitive dependencies)",
            "uv documentation, 'Managing dependencies: Dependency sources'",
            "pytorch/vision, torchvision/extension.py: _check_cuda_version",
        ),
        key_facts=(
            "direct dependencies",
            "#8253",
            "about 3 GB",
            "[project] dependencies",
        ),
    ),
    Topic(
        name="channels",
        title="Stable, test and nightly builds",
        summary="Stable, test and nightly builds; pre-release specifiers.",
        text=_paragraphs(
            "PyTorch publishes three channels. Releases are at <base>/<variant>, for example "
            "https://download.pytorch.org/whl/cu130. Release candidates for the next release "
            "are at <base>/test/<variant>, and they carry the final version number (torch "
            "2.1.0 RC1 was torch-2.1.0+cu118 on whl/test/cu118), so uv treats them as "
            "releases. Nightly builds are at <base>/nightly/<variant> and have development "
            "versions such as 2.6.0.dev20241113+rocm6.2.",
            "--channel test or --channel nightly makes the wizard write those URLs. "
            "Development versions are pre-releases, and uv's default prerelease mode, "
            "if-necessary-or-explicit, accepts a pre-release only when the requirement names "
            "one or when a package has nothing but pre-releases. The wizard writes a specifier "
            "with a pre-release in it, such as torch>=2.16.0.dev0, so that the choice does not "
            "depend on what else the index holds.",
            "The test and nightly channels can offer variants the release does not: in August "
            "2026 both built cu134, which the release matrix did not list. Nightly CUDA torch "
            "depends on a nightly pytorch-triton from the nightly index, while a CUDA release "
            "depends on triton from PyPI (pytorch/pytorch RELEASE.md).",
        ),
        sources=(
            "pytorch/pytorch RELEASE.md (channels, Triton dependency per channel)",
            "pytorch/test-infra tools/scripts/generate_binary_build_matrix.py, 2026-08-12 "
            "(variants per channel)",
            "uv documentation, 'Resolution: Pre-release handling'",
            "facebookresearch/xformers#835 (2.1.0 RC1 file names); pytorch/pytorch#141956 "
            "(nightly version form)",
        ),
        key_facts=(
            "<base>/test/<variant>",
            "<base>/nightly/<variant>",
            "final version number",
            "if-necessary-or-explicit",
            "torch>=2.16.0.dev0",
        ),
    ),
)

TOPICS: dict[str, Topic] = {t.name: t for t in _TOPIC_LIST}


def topic_named(name: str) -> Topic:
    """The topic called `name` (case, spaces and underscores forgiven), or BadInput."""
    key = "-".join(name.strip().lower().replace("_", " ").split())
    topic = TOPICS.get(key)
    if topic is not None:
        return topic
    suggestions = difflib.get_close_matches(key, TOPICS, n=1, cutoff=0.5)
    if not suggestions and key:
        suggestions = [n for n in TOPICS if key in n][:1]
    hint = f"Did you mean '{suggestions[0]}'? " if suggestions else ""
    raise BadInput(
        f"Unknown topic '{name}'.",
        f"{hint}Topics: {', '.join(TOPICS)}.",
    )


def render(topic: Topic, machine_notes: Sequence[str] = (), width: int = 80) -> str:
    """The topic as plain text: title, text wrapped to `width`, notes, sources.

    The "On this machine:" section appears only when the caller passes notes. Key facts are
    never split across lines, and example paragraphs (four-space indent) are kept as written.
    """
    width = max(width, 30)
    lines = [topic.title, "=" * min(len(topic.title), width), ""]
    for i, paragraph in enumerate(topic.text.split("\n\n")):
        if i:
            lines.append("")
        lines.extend(_wrap_paragraph(paragraph, width, topic.key_facts))
    if machine_notes:
        lines += ["", "On this machine:"]
        for note in machine_notes:
            lines.extend(_bullet(note, width))
    lines += ["", "Sources:"]
    for source in topic.sources:
        lines.extend(_bullet(source, width))
    return "\n".join(lines) + "\n"


def _wrap_paragraph(paragraph: str, width: int, keep: Sequence[str]) -> list[str]:
    if all(line.startswith(_PRE) for line in paragraph.splitlines()):
        return paragraph.splitlines()
    return _wrap(" ".join(paragraph.split()), width, keep)


def _bullet(text: str, width: int) -> list[str]:
    return _wrap(" ".join(text.split()), width, (), initial="  - ", subsequent="    ")


def _wrap(
    text: str, width: int, keep: Sequence[str], initial: str = "", subsequent: str = ""
) -> list[str]:
    room = width - max(len(initial), len(subsequent))
    for fact in sorted(keep, key=len, reverse=True):
        if " " in fact and len(fact) <= room:  # a longer one is broken at its spaces
            text = text.replace(fact, fact.replace(" ", _NBSP))
    text = breakable(text, room)
    wrapped = textwrap.wrap(
        text,
        width=width,
        initial_indent=initial,
        subsequent_indent=subsequent,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return [joined(line).replace(_NBSP, " ") for line in wrapped]
