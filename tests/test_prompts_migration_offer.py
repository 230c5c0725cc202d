"""`--plain` asks the full-screen wizard's Project question: migrate from the requirements
files in the folder? A chosen file then behaves as `--from FILE` does; which file is
recommended (the one that includes the others) is decided in wizard.requirements_found."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.e2e_helpers import profile
from tests.test_prompts import ENTER, ROOT, Script, plain, pyproject
from wizard.requirements_found import KEEP, offered_files, recommended_file

GPU_REQUIREMENTS = (
    "--extra-index-url https://download.pytorch.org/whl/cu121\ntorch==2.1.0+cu121\nnumpy\n"
)


def write_layered(folder: Path) -> None:
    """requirements.txt (-r base.txt, -c constraints.txt, torch) and requirements-dev.txt
    (-r requirements.txt, pytest, ruff): the dev file is the top of the include graph."""
    (folder / "requirements.txt").write_text(
        "-r base.txt\n-c constraints.txt\n"
        "--extra-index-url https://download.pytorch.org/whl/cu121\ntorch==2.4.1+cu121\n"
    )
    (folder / "base.txt").write_text("numpy\nrequests\n")
    (folder / "constraints.txt").write_text("numpy<2\n")
    (folder / "requirements-dev.txt").write_text("-r requirements.txt\npytest\nruff\n")


def yes_err_and_out(folder: Path, capsys, *args: str) -> tuple[int, str, str]:
    from wizard.cli import main

    capsys.readouterr()
    code = main(["--yes", "-C", str(folder), "--hardware", profile("linux-cpu-only"), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def after_project_step(out: str) -> str:
    return out[out.index("[2/8] Hardware") :]


# --------------------------------------------------------------------------------------------
# A: the question, and a chosen file behaves as --from
# --------------------------------------------------------------------------------------------


def test_plain_offers_the_folders_requirements_file_first_as_the_recommendation(tmp_path):
    (tmp_path / "requirements.txt").write_text(GPU_REQUIREMENTS)
    script = Script()
    code, out = plain(tmp_path, script, "--offline", "--dry-run")
    assert code == 0, out
    assert script.keys[0] == "migrate"
    question = script.asked[0]
    assert question.step == "Project" and question.title == "Migrate from pip?"
    assert [(o.label, o.recommended) for o in question.options] == [
        ("Migrate from requirements.txt", True),
        ("Leave the requirements files alone", False),
    ]
    assert question.default == (str(tmp_path / "requirements.txt"),)
    project_step = out[out.index("[1/8] Project") : out.index("[2/8] Hardware")]
    assert "Found requirements.txt" in project_step
    # Enter took the recommendation: the migration's report and its answers
    assert "Migration from requirements.txt:" in out
    assert '+    "numpy",' in out


def test_choosing_the_file_is_what_from_file_does(tmp_path):
    (tmp_path / "requirements.txt").write_text(GPU_REQUIREMENTS)
    req = str(tmp_path / "requirements.txt")
    code, asked = plain(tmp_path, Script([("migrate", [req])]), "--offline", "--dry-run")
    assert code == 0, asked
    script = Script()
    code, given = plain(tmp_path, script, "--offline", "--dry-run", "--from", req)
    assert code == 0, given
    assert "migrate" not in script.keys  # --from answers the question: it is not asked
    assert after_project_step(asked) == after_project_step(given)


def test_choosing_the_file_says_what_can_be_deleted_as_from_file_does(tmp_path):
    asked_folder, given_folder = tmp_path / "asked", tmp_path / "given"
    for folder in (asked_folder, given_folder):
        folder.mkdir()
        (folder / "requirements.txt").write_text(GPU_REQUIREMENTS)
    code, asked = plain(asked_folder, Script(), "--offline", "--no-lock")
    assert code == 0, asked
    req = str(given_folder / "requirements.txt")
    code, given = plain(given_folder, Script(), "--offline", "--no-lock", "--from", req)
    assert code == 0, given
    done = asked.split("[8/8] Done")[1]
    assert done.replace("asked", "given") == given.split("[8/8] Done")[1]
    assert "reads them): requirements.txt." in " ".join(done.split())
    written = {f.name: pyproject(f) for f in (asked_folder, given_folder)}
    for data in written.values():
        del data["project"]["name"]
    assert written["asked"] == written["given"]
    assert "numpy" in written["asked"]["project"]["dependencies"]


def test_leaving_the_files_alone_starts_from_the_machine(tmp_path):
    (tmp_path / "requirements.txt").write_text(GPU_REQUIREMENTS)
    code, out = plain(tmp_path, Script([("migrate", [KEEP])]), "--offline", "--no-lock")
    assert code == 0, out
    assert "Migration from" not in out and "can be deleted" not in out
    assert pyproject(tmp_path)["project"]["dependencies"][0].startswith("torch>=")
    assert "numpy" not in str(pyproject(tmp_path))


def test_explain_shows_the_explanation_and_asks_again(tmp_path):
    (tmp_path / "requirements.txt").write_text(GPU_REQUIREMENTS)
    script = Script([("migrate", ["?"]), ("migrate", ENTER)])
    code, out = plain(tmp_path, script, "--offline", "--dry-run")
    assert code == 0, out
    assert script.keys[:2] == ["migrate", "migrate"]
    assert "explicit" in out[: out.index("[2/8] Hardware")].lower()


def test_a_file_that_cannot_be_read_is_said_and_the_question_asked_again(tmp_path):
    (tmp_path / "requirements.txt").write_text("-r missing.txt\ntorch\n")
    req = str(tmp_path / "requirements.txt")
    script = Script([("migrate", ENTER), ("migrate", ENTER)])
    code, out = plain(tmp_path, script, "--offline", "--dry-run")
    assert code == 0, out
    assert script.asked[0].default == (req,)
    assert "missing.txt does not exist (requirements.txt:1 includes it)" in " ".join(out.split())
    assert script.asked[1].default == (KEEP,)  # Enter now leaves the file alone
    assert "Migration from" not in out


def test_without_requirements_files_nothing_more_is_asked(tmp_path):
    script = Script()
    code, out = plain(tmp_path, script, "--offline", "--dry-run")
    assert code == 0, out
    assert "migrate" not in script.keys and "Found" not in out


def test_yes_without_from_does_not_migrate(tmp_path, capsys):
    (tmp_path / "requirements.txt").write_text(GPU_REQUIREMENTS)
    code, out, err = yes_err_and_out(tmp_path, capsys, "--offline", "--dry-run")
    assert code == 0, err
    assert "Migration from" not in out + err and "numpy" not in out


def test_plain_with_requirements_files_never_imports_textual(tmp_path):
    (tmp_path / "requirements.txt").write_text(GPU_REQUIREMENTS)
    code = (
        "import sys, json\n"
        "from wizard.cli import _main_parser\n"
        "from wizard.prompts import run_flow\n"
        "class Enter:\n"
        "    seen = []\n"
        "    def select(self, q):\n"
        "        self.seen.append(q.key)\n"
        "        if q.key != 'migrate':\n"
        "            raise KeyboardInterrupt\n"
        "        return list(q.default)\n"
        "    def confirm(self, text, default):\n"
        "        raise AssertionError(text)\n"
        "asker = Enter()\n"
        f"opts = _main_parser().parse_args(['--plain', '--offline', '-C', {str(tmp_path)!r}, "
        f"'--hardware', {profile('linux-cpu-only')!r}])\n"
        "rc = run_flow(opts, asker)\n"
        "print(json.dumps({'rc': rc, 'seen': asker.seen, 'textual': sorted(m for m in "
        "sys.modules if m.split('.')[0] == 'textual')}), file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    result = json.loads(proc.stderr.strip().splitlines()[-1])
    assert result == {"rc": 130, "seen": ["migrate", "targets"], "textual": []}, proc.stderr


# --------------------------------------------------------------------------------------------
# B: the file that includes the others is recommended
# --------------------------------------------------------------------------------------------


def test_the_file_that_includes_the_others_is_recommended(tmp_path):
    write_layered(tmp_path)
    files = offered_files(tmp_path)
    assert [p.name for p in files] == ["requirements.txt", "requirements-dev.txt"]
    assert recommended_file(files) == tmp_path / "requirements-dev.txt"


def test_enter_migrates_every_file_and_only_then_calls_them_deletable(tmp_path):
    write_layered(tmp_path)
    script = Script()
    code, out = plain(tmp_path, script, "--offline", "--no-lock")
    assert code == 0, out
    assert script.asked[0].default == (str(tmp_path / "requirements-dev.txt"),)
    assert "Migration from requirements-dev.txt, requirements.txt, base.txt" in out
    written = pyproject(tmp_path)
    assert written["dependency-groups"]["dev"] == ["pytest", "ruff"]
    assert "requests" in written["project"]["dependencies"]
    note = " ".join(out.split("[8/8] Done")[1].split())
    assert (
        "still reads them): requirements-dev.txt, requirements.txt, base.txt, constraints.txt."
    ) in note


def test_the_same_as_yes_from_the_recommended_file(tmp_path, capsys):
    write_layered(tmp_path)
    code, out = plain(tmp_path, Script(), "--offline", "--dry-run")
    assert code == 0, out
    dev = str(tmp_path / "requirements-dev.txt")
    code, yes, err = yes_err_and_out(tmp_path, capsys, "--offline", "--dry-run", "--from", dev)
    assert code == 0, err
    diff = yes[yes.index("--- a/pyproject.toml") : yes.index("Dry run")].strip()
    assert diff in out


def test_a_file_only_read_as_constraints_is_not_included(tmp_path):
    (tmp_path / "requirements.txt").write_text("torch\nnumpy\n")
    (tmp_path / "requirements-dev.txt").write_text("-c requirements.txt\npytest\n")
    assert recommended_file(offered_files(tmp_path)) == tmp_path / "requirements.txt"


def test_no_includes_keeps_the_first_found(tmp_path):
    (tmp_path / "requirements.txt").write_text("torch\n")
    (tmp_path / "requirements-gpu.txt").write_text("-r base.txt\ntorch\n")
    (tmp_path / "base.txt").write_text("numpy\n")
    assert recommended_file(offered_files(tmp_path)) == tmp_path / "requirements.txt"


def test_a_file_that_cannot_be_read_includes_nothing(tmp_path):
    (tmp_path / "requirements.txt").write_text("torch\n")
    (tmp_path / "requirements-dev.txt").write_text("-r requirements.txt\n-r missing.txt\n")
    (tmp_path / "requirements-gpu.txt").write_text("-r requirements.txt\ntorch\n")
    # the dev file includes requirements.txt but cannot be read: the gpu file is the top
    assert recommended_file(offered_files(tmp_path)) == tmp_path / "requirements-gpu.txt"


def test_from_wins_and_an_existing_torch_setup_recommends_none(tmp_path):
    write_layered(tmp_path)
    given = [str(tmp_path / "requirements.txt")]
    files = offered_files(tmp_path, given)
    assert recommended_file(files, given) == tmp_path / "requirements.txt"

    class Existing:
        targets = ("linux-x86_64",)

    assert recommended_file(files, (), Existing()) is None  # type: ignore[arg-type]
