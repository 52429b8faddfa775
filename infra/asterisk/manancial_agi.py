#!/usr/bin/env python3
"""Example AGI script for the utility's Asterisk: the IVR (URA) asks Manancial and plays the answer
with no agent (seed 001 3.2.16.1–.2). See docs/cti-webhook.md.

extensions.conf:

    [ura-manancial]
    exten => s,1,Answer()
     same => n,AGI(manancial_agi.py,outage)            ; falta de água na região de quem ligou
     same => n,Background(manancial/menu)               ; 1 débitos, 2 segunda via, 3 protocolo
     same => n,WaitExten(5)
    exten => 1,1,AGI(manancial_agi.py,debts)
    exten => 2,1,AGI(manancial_agi.py,second-copy)
    exten => 3,1,Read(PROTOCOLO,manancial/digite-o-protocolo,10)
     same => n,AGI(manancial_agi.py,protocol,${PROTOCOLO})

Environment (e.g. in the Asterisk service unit): MANANCIAL_URL=https://<utility>.<base-domain>,
MANANCIAL_SECRET=<the shared secret of "Telefonia e mensagens">, and MANANCIAL_HOST=<the utility's
host name> only when MANANCIAL_URL is another address. Each answer's `prompts` are
played in order: "manancial/…" are the utility's recordings (Playback), "say:…" text goes to the
text-to-speech application configured as TTS_APP (default: Festival).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import sys
import time
import urllib.request

BASE = os.environ.get("MANANCIAL_URL", "http://127.0.0.1:8000").rstrip("/")
SECRET = os.environ.get("MANANCIAL_SECRET", "")
# when the PBX reaches Manancial by an address that is not the utility's host name (a private link)
HOST = os.environ.get("MANANCIAL_HOST", "")
TTS_APP = os.environ.get("TTS_APP", "Festival")


def agi_env() -> dict[str, str]:
    env = {}
    for line in iter(sys.stdin.readline, ""):
        line = line.strip()
        if not line:
            break
        key, _, value = line.partition(":")
        env[key.strip()] = value.strip()
    return env


def agi(command: str) -> str:
    sys.stdout.write(command + "\n")
    sys.stdout.flush()
    return sys.stdin.readline().strip()


def ask(path: str, body: dict[str, str]) -> dict[str, object]:
    raw = json.dumps(body).encode()
    stamp = str(int(time.time()))
    mac = hmac.new(SECRET.encode(), stamp.encode() + b"." + raw, hashlib.sha256).hexdigest()
    request = urllib.request.Request(  # noqa: S310 (the utility's own Manancial address)
        f"{BASE}/api/v1/cti/ivr/{path}",
        data=raw,
        headers={
            "Content-Type": "application/json",
            "X-Manancial-Timestamp": stamp,
            "X-Manancial-Signature": f"sha256={mac}",
            **({"Host": HOST} if HOST else {}),
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        answer: dict[str, object] = json.loads(response.read())
        return answer


def play(prompts: list[str]) -> None:
    for prompt in prompts:
        if prompt.startswith("say:"):
            text = prompt[4:].replace('"', "")
            agi(f'EXEC {TTS_APP} "{text}"')
        else:
            agi(f"STREAM FILE {prompt} #")


def main() -> None:
    env = agi_env()
    action = sys.argv[1] if len(sys.argv) > 1 else "outage"
    caller = env.get("agi_callerid", "")
    body = {"caller": caller}
    if action == "protocol":
        body = {"protocol": sys.argv[2] if len(sys.argv) > 2 else ""}
    try:
        answer = ask(action, body)
    except Exception:
        play(["manancial/sistema-indisponivel"])
        return
    play([str(p) for p in answer.get("prompts", [])])  # type: ignore[union-attr]


if __name__ == "__main__":
    main()
