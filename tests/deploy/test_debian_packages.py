"""The README's Debian package list is the Makefile's: what `make install`/`make demo` install and
what the targets that run against the real servers add."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _make_variable(name: str) -> list[str]:
    text = (ROOT / "Makefile").read_text().replace("\\\n", " ")
    match = re.search(rf"^{name} := (.*)$", text, re.MULTILINE)
    assert match, f"{name} is not in the Makefile"
    return match.group(1).split()


def _readme_installs() -> dict[str, list[str]]:
    """`apt-get install …  # <target>` lines of the README, by the target named in the comment."""
    lines = re.findall(
        r"^apt-get install (.+?)\s+# (make \w+)", (ROOT / "README.md").read_text(), re.MULTILINE
    )
    return {target: packages.split() for packages, target in lines}


def test_the_readme_lists_the_makefiles_debian_packages() -> None:
    readme = _readme_installs()
    assert readme == {
        "make install": _make_variable("APT_PACKAGES"),
        "make test": _make_variable("TEST_APT_PACKAGES"),
    }


def test_every_package_is_installed_by_a_target() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "$(call apt_install,$(APT_PACKAGES))" in makefile.split("system-packages:", 1)[1].split("\n\n")[0]
    assert (
        "$(call apt_install,$(TEST_APT_PACKAGES))" in makefile.split("test-packages:", 1)[1].split("\n\n")[0]
    )
    assert re.search(r"^services: test-packages$", makefile, re.MULTILINE)
    assert re.search(r"^install: system-packages ", makefile, re.MULTILINE)
