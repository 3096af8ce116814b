"""Built pages are valid HTML, as the W3C Nu validator (vnu.jar) judges them.

Runs when Java and vnu.jar are here (`VNU_JAR`, or `.ci/vnu` where .ci/run installs it
with npm); skipped, visibly, otherwise.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from miss_i18n.cli import main
from test_report import review_state

ROOT = Path(__file__).resolve().parent.parent
JAR = Path(os.environ.get("VNU_JAR", ROOT / ".ci/vnu/node_modules/vnu-jar/build/dist/vnu.jar"))

pytestmark = pytest.mark.skipif(
    shutil.which("java") is None or not JAR.is_file(),
    reason="the Nu HTML validator is not installed: npm install --prefix .ci/vnu vnu-jar",
)


def test_every_built_page_is_valid_html(project: Path) -> None:
    result = CliRunner().invoke(main, ["run", "-q"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    review_state(project)  # the report then shows drafts, findings and a rejection
    result = CliRunner().invoke(main, ["build", "-q", "--include-fuzzy"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    pages = sorted(str(p) for p in (project / "site").rglob("*.html"))
    assert len(pages) == 6  # en, de, ar, pt-BR, index.html and report.html
    checked = subprocess.run(["java", "-jar", str(JAR), "--errors-only", *pages],
                             capture_output=True, text=True, timeout=300, check=False)
    assert (checked.returncode, checked.stdout + checked.stderr) == (0, "")
