"""The rule for missing system packages (tests/system.py): fail naming the package under
``CI=true``, skip naming it elsewhere; a package that is there is returned."""

from __future__ import annotations

import pytest
import system


@pytest.fixture
def missing(monkeypatch):
    monkeypatch.setitem(system.DEPENDENCIES, "libreoffice",
                        (lambda: None, *system.DEPENDENCIES["libreoffice"][1:]))


def test_missing_package_fails_in_ci_naming_it(missing, monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception) as failed:
        system.require("libreoffice")
    assert "apt-get install libreoffice-calc-nogui" in str(failed.value)
    assert "scripts/install-system-deps.sh" in str(failed.value)


@pytest.mark.parametrize("ci", [None, "false"])
def test_missing_package_skips_outside_ci_naming_it(missing, monkeypatch, ci):
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.skip.Exception) as skipped:
        system.require("libreoffice")
    assert "apt-get install libreoffice-calc-nogui" in str(skipped.value)


def test_a_present_package_is_returned(monkeypatch):
    monkeypatch.setitem(system.DEPENDENCIES, "postgresql",
                        (lambda: "/usr/bin/initdb", *system.DEPENDENCIES["postgresql"][1:]))
    monkeypatch.setenv("CI", "true")
    assert system.require("postgresql") == "/usr/bin/initdb"


def test_every_package_is_one_the_install_script_installs():
    script = (system.ROOT / system.INSTALL).read_text(encoding="utf-8")
    for _, package, _ in system.DEPENDENCIES.values():
        assert package in script, package
