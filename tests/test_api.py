"""The Python API: `Project` returns results and never prints; the CLI renders them."""

from __future__ import annotations

from pathlib import Path

import pytest

from miss_i18n import Project, RunResult


def test_run_check_status_through_the_api(project: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    api = Project.load(project / "pyproject.toml")
    checked = api.run(check=True)
    assert isinstance(checked, RunResult)
    assert not checked.skipped and not checked.site_compared
    assert all(w.changed for w in checked.writes)  # nothing exists yet
    assert not (project / "locales").exists()
    done = api.run(translate=False)
    assert {w.path for w in done.writes if w.changed} >= {
        "locales/miss.pot", "locales/de/LC_MESSAGES/miss.po", "site/index.html"}
    assert [row.locale for row in done.stats] == ["de", "ar", "pt_BR"]
    assert [row.locale for row in api.status().stats] == ["de", "ar", "pt_BR"]
    again = api.run(translate=False)
    assert again.skipped and not any(w.changed for w in again.writes)
    fresh = api.run(check=True)
    assert fresh.site_compared and not any(w.changed for w in fresh.writes)
    assert capsys.readouterr() == ("", "")  # the core never prints


def test_overrides_narrow_the_project(project: Path) -> None:
    api = Project.load(project / "pyproject.toml", only_locales=["de"])
    assert [row.locale for row in api.run(translate=False).stats] == ["de"]
