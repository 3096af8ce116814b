from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = Path(__file__).resolve().parent / "pages"
GOLDEN = Path(__file__).resolve().parent / "golden"
ARTICLE = ROOT / "source" / "minimally-invasive-spine-surgery.html"
REGENERATE = os.environ.get("MISS_I18N_REGENERATE_GOLDEN") == "1"
# every page a test builds through a skeleton is built through lxml too, and must agree
# (skeleton.VERIFY); set before miss_i18n is imported, and for the commands tests start
os.environ["MISS_I18N_VERIFY_SKELETON"] = "1"

PYPROJECT = """\
[tool.miss-i18n]
source-dir = "source"
locales-dir = "locales"
output-dir = "site"
domain = "miss"
source-locale = "{source}"
locales = {locales}
"""


def make_project(root: Path, locales: tuple[str, ...] = ("de", "ar", "pt_BR"),
                 extra: str = "", source: str = "en") -> Path:
    (root / "source").mkdir(parents=True)
    shutil.copy(ARTICLE, root / "source" / ARTICLE.name)
    listed = "[" + ", ".join(f'"{loc}"' for loc in locales) + "]"
    (root / "pyproject.toml").write_text(PYPROJECT.format(locales=listed, source=source) + extra)
    return root


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh project (the article, three locales) as the working directory."""
    root = make_project(tmp_path / "project")
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    return root


def golden(path: Path, actual: str) -> None:
    """Compare with a golden file; MISS_I18N_REGENERATE_GOLDEN=1 rewrites it."""
    if REGENERATE or not path.exists():
        if not REGENERATE:
            pytest.fail(f"golden file {path.name} is missing; run with "
                        "MISS_I18N_REGENERATE_GOLDEN=1 and review it")
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8")
