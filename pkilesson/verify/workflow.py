"""The source document's four steps, end to end, with correct defaults.

Steps 1 to 3 (the CA, the server, the client) are :mod:`pkilesson.pki.artifacts`;
step 4 verifies both certificates against the CA. :func:`run_workflow` writes the
eight files and verifies them; ``pkilesson workflow DIR`` is its command-line front.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Union

from .._catalog import _
from ..errors import WorkspaceError, check_bool
from ..pki._time import resolve_now
from ..pki.artifacts import (Artifacts, Settings, Step, _check_artifacts, _check_settings, load_artifacts, make_artifacts,
                             steps_of)
from ..pki.workspace import FILE_NAMES, Workspace
from .verification import Verdict, verify_certificate

__all__ = ["WorkflowResult", "run_workflow", "verify_artifacts", "ensure_workflow"]



@dataclass(frozen=True)
class WorkflowResult:
    """What :func:`run_workflow` made, wrote and concluded."""

    workspace: Workspace
    artifacts: Artifacts
    steps: tuple[Step, ...]
    written: tuple[Path, ...]
    server_verdict: Verdict
    client_verdict: Verdict

    @property
    def ok(self) -> bool:
        return self.server_verdict.valid and self.client_verdict.valid


def verify_artifacts(
    artifacts: Artifacts, host: str, *, now: Optional[dt.datetime] = None
) -> tuple[Verdict, Verdict]:
    """Step 4: the server certificate for ``host`` and the client certificate, against the CA."""
    _check_artifacts(artifacts)
    roots = [artifacts.ca.certificate]
    return (
        verify_certificate(artifacts.server_certificate, roots, host=host, now=now),
        verify_certificate(artifacts.client_certificate, roots, client=True, now=now),
    )


def run_workflow(
    directory: Union[str, Path],
    settings: Settings = Settings(),
    *,
    overwrite: bool = False,
    now: Optional[dt.datetime] = None,
) -> WorkflowResult:
    """Run steps 1 to 4: make, write and verify the eight files in ``directory``.

    Every input is checked, and the files made in memory, before the first
    write: a refusal writes nothing. Without ``overwrite``, an existing file
    stops the run before anything is made. The eight files are written all
    or nothing, holding the folder's lock; step 4 then verifies the files
    read back from the folder, still under the lock, so its verdict is about
    what is on disk.
    """
    workspace = Workspace(directory)
    _check_settings(settings)
    overwrite = check_bool(overwrite, "overwrite")
    now = resolve_now(now)
    workspace.check_folder()
    if not overwrite:
        workspace.ensure_free()
    artifacts = make_artifacts(settings, now=now)
    host = settings.verify_host
    with workspace.locked(create=True):
        written = artifacts.save(workspace, overwrite=overwrite)
        on_disk = load_artifacts(workspace.path)
    if (on_disk.ca.certificate, on_disk.server_certificate, on_disk.client_certificate) != (
            artifacts.ca.certificate, artifacts.server_certificate, artifacts.client_certificate):
        raise WorkspaceError(  # only a writer that ignores the lock can do this
            _("The files in {folder} changed while they were being written.").format(folder=workspace.path),
            _("make sure no other program writes in that folder, then run again."),
        )
    server_verdict, client_verdict = verify_artifacts(on_disk, host, now=now)
    return WorkflowResult(
        workspace, artifacts, steps_of(artifacts, settings), tuple(written), server_verdict, client_verdict
    )


def ensure_workflow(
    directory: Union[str, Path], settings: Settings = Settings(), *, now: Optional[dt.datetime] = None
) -> tuple[Artifacts, str]:
    """The workspace's artifacts: loaded when all eight files are there, else made.

    Returns the artifacts and a sentence saying which happened, so a lesson
    run on its own tells the learner where its files came from. A folder
    holding only some of the files is an error: nothing is overwritten.
    """
    workspace = Workspace(directory)
    _check_settings(settings)
    now = resolve_now(now)
    if len(workspace.existing()) == len(FILE_NAMES):
        return load_artifacts(directory), _("Loaded the eight files found in {folder}/.").format(folder=workspace.path)
    workspace.check_folder()
    with workspace.locked(create=True):  # two lessons started at once make the files once
        if len(workspace.existing()) == len(FILE_NAMES):
            return load_artifacts(directory), _("Loaded the eight files found in {folder}/.").format(folder=workspace.path)
        result = run_workflow(directory, settings, now=now)
    return result.artifacts, _("Made the eight files in {folder}/ with the default settings.").format(
        folder=workspace.path)
