"""gunicorn's access log without secrets (ADR 0012): the Pagar.me webhook authenticates by a secret
in its path and by basic auth, and the stock logger writes the path and the basic-auth user of
every request. Used by gunicorn_conf.py (production) and rundemo (`--logger-class`)."""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

from modules.common.http import MASK, has_secret_path, mask_secrets


class SecretMaskingLogger(Logger):  # type: ignore[misc]
    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        # every atom a format could name: the request line, the path, the raw URI among the environ
        # variables ({raw_uri}e), the referer and headers ({referer}i)
        secret = False
        for key, value in atoms.items():
            if isinstance(value, str) and has_secret_path(value):
                atoms[key] = mask_secrets(value)
                secret = True
        if secret:  # the webhook's basic-auth user goes with its secret path
            atoms["u"] = MASK
            atoms.pop("{authorization}i", None)
            atoms.pop("{http_authorization}e", None)
        return atoms
