"""The wheel carries the default theme and the example campaign, so `pip install` is enough."""

from __future__ import annotations

import site
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(REPO)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (found,) = dist.glob("toolkit-*.whl")
    return found


def test_wheel_holds_theme_and_example(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "toolkit/_builtin/themes/default/templates/base.html" in names
    assert "toolkit/_builtin/themes/default/static/style.css" in names
    assert "toolkit/_builtin/example/toolkit.yaml" in names
    assert "toolkit/_builtin/example/content/index.md" in names
    assert any(n.startswith("toolkit/_builtin/example/content/champions/") for n in names)
    assert not any("fixtures" in n or n.startswith("output/") for n in names)


def test_installed_wheel_can_init_and_build(wheel, tmp_path):
    env = tmp_path / "venv"
    venv.create(env, with_pip=True)
    python = env / "bin" / "python"
    # Lend the venv this interpreter's dependencies (a plain path entry: the editable install's
    # own .pth hook is not run), so that toolkit itself can only come from the wheel.
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(purelib, "lent-dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "-q", str(wheel)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    toolkit = env / "bin" / "toolkit"
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    init = subprocess.run(
        [str(toolkit), "init", "campaign"], cwd=outside, capture_output=True, text=True
    )
    assert init.returncode == 0, init.stderr
    build = subprocess.run(
        [str(toolkit), "build"], cwd=outside / "campaign", capture_output=True, text=True
    )
    assert build.returncode == 0, build.stderr
    assert (outside / "campaign/output/champions/riverside-chamber/index.html").is_file()
    where = subprocess.run(
        [str(python), "-c", "import toolkit.resources as r; print(r.builtin_root())"],
        cwd=outside,
        capture_output=True,
        text=True,
    )
    assert "_builtin" in where.stdout
