"""3.2.15.14: the totem runs unattended — the image recipe in infra/kiosk boots into one locked
full-screen program (Chromium in kiosk mode inside cage, restarted by systemd however it ends), with
no escape from the keyboard (no other virtual terminal, no Ctrl+Alt+Del, no developer tools, only
the utility's totem pages), and updates itself (the system and Chromium nightly; the page reloads
when the server's release changes: tests/service/test_tickets_points_news.py checks the heartbeat
carries it, the watchdog browser test the reconnection)."""

from __future__ import annotations

import configparser
import json
import re
import subprocess
from pathlib import Path

import pytest

KIOSK = Path(__file__).resolve().parents[2] / "infra" / "kiosk"


def test_one_full_screen_program_started_at_boot_and_again_whatever_ends_it() -> None:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.read(KIOSK / "totem-kiosk.service")
    service = unit["Service"]
    assert service["User"] == "totem" and service["TTYPath"] == "/dev/tty1"
    assert service["Restart"] == "always" and int(service["RestartSec"]) <= 5
    command = service["ExecStart"].split()
    assert command[0] == "/usr/bin/cage" and "-s" not in command  # -s would allow VT switching
    assert command[-1] == "/usr/local/bin/totem-browser"
    assert unit["Install"]["WantedBy"] == "graphical.target"
    assert unit["Unit"]["Conflicts"] == "getty@tty1.service"  # no login prompt on its terminal


def test_chromium_in_kiosk_mode_prints_without_a_dialog_and_opens_no_debugger() -> None:
    script = (KIOSK / "totem-browser").read_text()
    flags = set(re.findall(r"--[a-z-]+", script))
    assert {"--kiosk", "--kiosk-printing", "--noerrdialogs", "--disable-pinch"} <= flags
    assert not {"--remote-debugging-port", "--incognito", "--no-sandbox"} & flags
    assert '"$TOTEM_URL"' in script
    subprocess.run(["sh", "-n", str(KIOSK / "totem-browser")], check=True)


def test_the_policy_opens_only_the_utilitys_totem_and_keeps_the_tools_closed() -> None:
    policy = json.loads((KIOSK / "chromium-policy.json").read_text())
    assert policy["URLBlocklist"] == ["*"]
    assert policy["URLAllowlist"] and all(u.startswith("https://TOTEM_HOST/") for u in policy["URLAllowlist"])
    assert policy["DeveloperToolsAvailability"] == 2  # never
    assert policy["IncognitoModeAvailability"] == 1 and policy["BrowserGuestModeEnabled"] is False
    assert policy["DownloadRestrictions"] == 3 and policy["AllowFileSelectionDialogs"] is False
    assert policy["TaskManagerEndProcessEnabled"] is False


def test_provisioning_locks_the_consoles_and_turns_the_updates_on() -> None:
    script = (KIOSK / "provision.sh").read_text()
    subprocess.run(["sh", "-n", str(KIOSK / "provision.sh")], check=True)
    assert "NAutoVTs=0" in script and "ReserveVT=0" in script
    assert "systemctl mask ctrl-alt-del.target" in script and "kernel.sysrq = 0" in script
    assert "systemctl enable totem-kiosk.service" in script and "unattended-upgrades" in script
    assert "/etc/chromium/policies/managed/totem.json" in script
    updates = (KIOSK / "50totem-unattended-upgrades").read_text()
    assert 'APT::Periodic::Unattended-Upgrade "1";' in updates
    assert 'Unattended-Upgrade::Automatic-Reboot "true";' in updates


@pytest.mark.parametrize("name", ["totem-browser", "provision.sh"])
def test_the_scripts_are_executable(name: str) -> None:
    assert (KIOSK / name).stat().st_mode & 0o111
