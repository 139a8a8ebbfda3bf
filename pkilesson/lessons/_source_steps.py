"""The source document's own ``openssl`` commands, run as written for one step of the lessons
(:func:`run_source_step`), and a file's permission bits as OpenSSL users see them (:func:`file_mode`).

:mod:`pkilesson.lessons.lesson` re-exports them: the notebooks call ``lesson.run_source_step``.
"""

from __future__ import annotations

import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Union

from cryptography import x509

from .._catalog import _
from ..pki.certificates import load_certificate
from ..pki.csr import load_csr
from ..pki.keys import PrivateKey, load_private_key
from ..pki.openssl import Run, openssl_path, run_step, source_recipe
from ._lab import LAB, ROLE_OF_STEP, _check_step

__all__ = ["SourceStep", "run_source_step", "file_mode"]

_SOURCE_SUBJECTS = {"ca": "/C=FR/O=Lab/CN=Lab CA", "server": "/C=FR/O=Lab/CN=localhost", "client": "/C=FR/O=Lab/CN=client"}


@dataclass(frozen=True)
class SourceStep:
    """The source document's commands for one step, and what running them gave (if they ran)."""

    step: int
    commands: str
    folder: Path
    ran: bool
    runs: tuple[Run, ...] = ()
    note: str = ""

    @property
    def where(self) -> str:
        """Where the step's files are, or why there are none (its note), in the messages' language."""
        return self.note or _("The source's files are in {folder}/.").format(folder=self.folder)

    def load_certificate(self) -> Optional[x509.Certificate]:
        """The certificate the step wrote (None if the commands did not run)."""
        if not self.ran or self.step == 4:
            return None
        return load_certificate(self.folder / f"{ROLE_OF_STEP[self.step]}-cert.pem")

    def load_csr(self) -> Optional[x509.CertificateSigningRequest]:
        if not self.ran or self.step not in (2, 3):
            return None
        return load_csr(self.folder / f"{ROLE_OF_STEP[self.step]}-req.pem")

    def load_key(self) -> Optional[PrivateKey]:
        if not self.ran or self.step == 4:
            return None
        return load_private_key(self.folder / f"{ROLE_OF_STEP[self.step]}-key.pem")

    def __str__(self) -> str:
        lines = [f"$ {line}" for line in self.commands.splitlines()]
        for run in self.runs:
            lines += [f"  {line}" for line in (run.stdout + run.stderr).strip().splitlines()]
        if self.note:
            lines.append(self.note)
        return "\n".join(lines)


def run_source_step(step: int, folder: Union[str, Path] = LAB / "source") -> SourceStep:
    """Run the source document's commands of ``step`` (1 to 4) in ``folder``, as written.

    Only ``-subj`` is added, so that ``openssl req`` does not stop to ask
    for the name. The earlier steps are run first if their files are not in
    ``folder``. Without the ``openssl`` CLI nothing runs and the result says
    so (``ran`` is False). The source's ``openssl genrsa 2048 > ca-key.pem``
    follows the umask: its key files are readable by everyone (0644).
    """
    _check_step(step, (1, 2, 3, 4))
    folder = Path(folder)
    recipe = source_recipe(_SOURCE_SUBJECTS["ca"], _SOURCE_SUBJECTS["server"], _SOURCE_SUBJECTS["client"])
    parts = {1: recipe[0:2], 2: recipe[2:4], 3: recipe[4:6], 4: recipe[6:8]}
    commands = "\n".join(str(s) for s in parts[step])
    if openssl_path() is None:
        note = _("(The openssl command is not installed here: these commands were shown, not run.)")
        return SourceStep(step, commands, folder, False, (), note)
    folder.mkdir(parents=True, exist_ok=True)
    for earlier in range(1, step):
        role = ROLE_OF_STEP.get(earlier)
        if role and not (folder / f"{role}-cert.pem").exists():
            for part in parts[earlier]:
                run_step(part, folder)
    runs: list[Run] = []
    for part in parts[step]:
        runs += run_step(part, folder, check=step != 4)
    return SourceStep(step, commands, folder, True, tuple(runs))


def file_mode(path: Union[str, Path]) -> str:
    """A file's permission bits as OpenSSL users see them: ``0600`` (owner only) or ``0644`` (everyone reads)."""
    return f"{stat.S_IMODE(Path(path).stat().st_mode):04o}"
