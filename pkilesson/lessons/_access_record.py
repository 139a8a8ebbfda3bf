"""Lesson 07's recording: every scenario run here, written to ``data/access-recorded.json`` for machines without the servers."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Union

from .._catalog import _
from ..errors import PkiLessonError
from ..pki.certificates import load_certificate
from ._access_clients import SECOND, make_other_ca_client, make_second_client
from ._access_mariadb import MARIADB_SCENARIOS, mariadb_scenario
from ._access_nginx import nginx_scenario
from ._access_tries import RECORDED_FILE

__all__ = ["record"]


def record(path: Union[str, Path, None] = None) -> Path:
    """Run every scenario here, in a new workspace, and write them to ``data/access-recorded.json`` (or ``path``)."""
    import tempfile

    from . import lesson
    from ..pki.revocation import revoke
    from ..pki.running import versions
    from ..pki.artifacts import Settings
    from ..verify.workflow import run_workflow

    outcomes = {}
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder) / "lab"
        run_workflow(directory, Settings())
        make_second_client(directory)
        make_other_ca_client(directory)
        lesson.run_source_step(4, directory / "source")
        for name in MARIADB_SCENARIOS:
            outcomes[f"mariadb-{name}"] = mariadb_scenario(name, directory)
        for name in ("verify", "names", "before-crl"):
            outcomes[f"nginx-{name}"] = nginx_scenario(name, directory)
        revoke(directory, load_certificate(directory / SECOND / "client-cert.pem"))
        outcomes["nginx-crl"] = nginx_scenario("crl", directory)
    for key_, tries in outcomes.items():
        if tries.recorded:
            raise PkiLessonError(_("{scenario} did not run live here ({why}).").format(scenario=key_, why=tries.recorded),
                                 _("install it, then record."))
    import platform

    machine = _os_name() + f", {platform.machine()}"
    data = {"_meta": {"when": dt.date.today().isoformat(), "machine": machine,
                      "versions": versions(), "servers": {k: t.attempts[0].server for k, t in outcomes.items()}}}
    for key_, tries in outcomes.items():
        data[key_] = {"title": tries.title, "attempts": [_portless(a.to_dict()) for a in tries.attempts]}
    path = Path(path or RECORDED_FILE)  # sorted keys, one value a line: a new recording's diff reads well
    path.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _os_name() -> str:
    try:
        text = Path("/etc/os-release").read_text()
    except OSError:
        import platform

        return platform.platform()
    found = re.search(r'^PRETTY_NAME="?([^"\n]*)', text, re.M)
    return found.group(1) if found else "Linux"


def _portless(data: dict) -> dict:
    """The recorded words without the port of the day (nginx logs the Host header with it)."""
    data["server_words"] = [[log, re.sub(r"(localhost|127\.0\.0\.1):\d+", r"\1:PORT", line)]
                            for log, line in data["server_words"]]
    return data
