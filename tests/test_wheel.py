"""A non-editable install works: the wheel carries the configs, catalogues, schema and
templates, and `readout` runs from a folder outside the checkout."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CORPUS

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_the_wheel_runs_outside_the_checkout(_trained_tiny, tmp_path):
    def run(*cmd, **kw):
        return subprocess.run([str(c) for c in cmd], check=True, capture_output=True, text=True, **kw)

    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", tmp_path / "dist", ROOT)
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    # the venv sees the installed dependencies (torch and the rest) but gets its own readout
    run(sys.executable, "-m", "venv", "--system-site-packages", tmp_path / "venv")
    bin_ = tmp_path / "venv" / "bin"
    run(bin_ / "python", "-m", "pip", "install", "--no-deps", "-q", wheel)
    away = tmp_path / "elsewhere"
    away.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "READOUT_CONFIGS")} | {"HF_HUB_OFFLINE": "1"}
    where = run(bin_ / "python", "-c", "import extractor; print(extractor.__file__)", cwd=away, env=env).stdout
    assert str(tmp_path / "venv") in where and str(ROOT) not in where
    assert "extract" in run(bin_ / "readout", "--help", cwd=away, env=env).stdout
    assert json.loads(run(bin_ / "readout", "schema", "claim", cwd=away, env=env).stdout)["title"] == "readout claim line"
    run(bin_ / "readout", "extract", CORPUS, "--out", "claims.jsonl", "--model", _trained_tiny, cwd=away, env=env)
    checked = run(bin_ / "readout", "schema", "claim", "--validate", "claims.jsonl", cwd=away, env=env).stdout
    assert "all valid" in checked
