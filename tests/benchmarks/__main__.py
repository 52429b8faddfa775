from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main() -> None:
    here = Path(__file__).parent
    available = sorted(
        m.name for m in pkgutil.iter_modules([str(here)]) if not m.name.startswith("_") and m.name != "common"
    )
    groups = sys.argv[1:] or available
    unknown = set(groups) - set(available)
    if unknown:
        raise SystemExit(
            f"unknown benchmark group(s): {', '.join(sorted(unknown))}; available: {', '.join(available)}"
        )
    for group in groups:
        print(f"== {group} ==", flush=True)
        importlib.import_module(f"tests.benchmarks.{group}").main()


if __name__ == "__main__":
    main()
