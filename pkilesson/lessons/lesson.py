"""What the lesson notebooks call: each step made from a few choices, and the files it needs.

Every notebook runs on its own in a fresh kernel: :func:`prepare` loads the
files of the earlier steps from the workspace (``lab/`` beside the
notebooks) or makes them with default settings, and says which it did.
:func:`make_step` makes one step's artifacts from a :class:`Choices`, the
values the widgets set; :func:`run_source_step` runs the source document's
own ``openssl`` commands for the same step when the CLI is installed, so a
lesson can put both results side by side.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Optional, Union

from cryptography import x509

from ..pki._time import resolve_now
from ..pki.authority import CertificateAuthority
from ..pki.certificates import load_certificate
from ..pki.csr import create_csr, load_csr
from ..errors import PkiLessonError, WorkspaceError
from ..pki.keys import PrivateKey, generate_key, load_private_key
from ..pki.names import make_name, parse_general_names
from ..pki.openssl import Run, openssl_path, run_step, source_recipe
from ..pki.profiles import CLIENT, SERVER
from ..pki.running import versions
from ..pki.artifacts import Settings
from ..pki.workspace import FILE_NAMES, Workspace

__all__ = [
    "LAB",
    "Choices",
    "DEFAULT_CHOICES",
    "StepResult",
    "Prepared",
    "prepare",
    "make_step",
    "SourceStep",
    "run_source_step",
    "file_mode",
    "Transcript",
    "run_openssl",
    "openssl_config_section",
    "write_pem",
    "make_probe",
    "versions",
    "default_context_verdicts",
]

#: The lessons' workspace: the folder ``lab`` beside the notebooks.
LAB = Path(os.environ.get("PKILESSON_LAB", "lab"))
_DEFAULTS = Settings()
ROLE_OF_STEP = {1: "ca", 2: "server", 3: "client"}


@dataclass(frozen=True)
class Choices:
    """The choices of one step, as a learner sets them with the widgets.

    Attributes:
        key_type: the key's type (see :data:`~pkilesson.pki.keys.KEY_TYPES`).
        country, organization, common_name: the subject's C, O and CN.
        sans: the subjectAltName entries (servers and clients), e.g. ``("localhost", "127.0.0.1")``.
        days: the validity in days.
        serial: a fixed serial number, as the source's 01 and 02; None for a random one.
    """

    key_type: str
    common_name: str
    country: str = _DEFAULTS.country
    organization: str = _DEFAULTS.organization
    sans: tuple[str, ...] = ()
    days: int = _DEFAULTS.days
    serial: Optional[int] = None

    @property
    def subject(self) -> x509.Name:
        return make_name(C=self.country or None, O=self.organization or None, CN=self.common_name)


#: The defaults of each step: those of ``pkilesson workflow``.
DEFAULT_CHOICES = {
    1: Choices(key_type=_DEFAULTS.key_type, common_name=_DEFAULTS.ca_name, days=_DEFAULTS.ca_days),
    2: Choices(key_type=_DEFAULTS.key_type, common_name=_DEFAULTS.server_cn, sans=_DEFAULTS.server_names),
    3: Choices(key_type=_DEFAULTS.key_type, common_name=_DEFAULTS.client_name, sans=(_DEFAULTS.client_name,)),
}


def _check_step(step: int, allowed=(1, 2, 3)) -> str:
    if step not in allowed:
        raise PkiLessonError(f"There is no step {step!r} here.", f"use one of {', '.join(map(str, allowed))}.")
    return ROLE_OF_STEP.get(step, "")


@dataclass(frozen=True)
class StepResult:
    """What one step made: a key, a CSR (servers and clients) and a certificate, in memory.

    ``ca`` is the CA that signed the certificate (for step 1, the new CA itself).
    """

    step: int
    choices: Choices
    key: PrivateKey = field(repr=False)
    csr: Optional[x509.CertificateSigningRequest]
    certificate: x509.Certificate
    ca: CertificateAuthority = field(repr=False)

    @property
    def role(self) -> str:
        return ROLE_OF_STEP[self.step]

    def items(self, earlier: Mapping = None) -> dict:
        """{(role, kind): object} of this step and ``earlier`` ones, as diagrams take it."""
        result = dict(earlier or {})
        result[("ca", "key")] = self.ca.key
        result[("ca", "cert")] = self.ca.certificate
        result[(self.role, "key")] = self.key
        if self.csr is not None:
            result[(self.role, "req")] = self.csr
        result[(self.role, "cert")] = self.certificate
        return result

    def save(self, directory: Union[str, Path] = LAB, *, overwrite: bool = False) -> str:
        """Write this step's files into the workspace; existing files are kept unless ``overwrite``.

        Returns a sentence saying what was written or kept.
        """
        workspace = Workspace(directory)
        names = [n for n in FILE_NAMES if n.startswith(f"{self.role}-")]
        taken = workspace.existing(names)
        if taken and not overwrite:
            return (
                f"Kept {', '.join(taken)} already in {workspace.path}/ (made earlier); "
                "nothing was written. Pass overwrite=True to replace them."
            )
        items = {(self.role, "key"): self.key}
        if self.csr is not None:
            items[(self.role, "req")] = self.csr
        items[(self.role, "cert")] = self.certificate
        # All or nothing, under the workspace's lock (a check then a write, never half a step on disk).
        written = workspace.save_files(items, overwrite=overwrite)
        return f"Wrote {', '.join(p.name for p in written)} in {workspace.path}/."


def make_step(
    step: int,
    choices: Optional[Choices] = None,
    *,
    ca: Optional[CertificateAuthority] = None,
    key: Optional[PrivateKey] = None,
    now: Optional[dt.datetime] = None,
) -> StepResult:
    """Make step 1 (the CA), 2 (the server) or 3 (the client) from ``choices``.

    Steps 2 and 3 need the ``ca`` that signs. ``key`` reuses an existing key
    instead of making a new one. Raises :class:`~pkilesson.errors.PkiLessonError`
    with a fix for any choice that cannot work.
    """
    role = _check_step(step)
    choices = choices or DEFAULT_CHOICES[step]
    if not isinstance(choices, Choices):
        raise PkiLessonError(f"Expected Choices, got {type(choices).__name__}.", "build them with Choices(...).")
    now = resolve_now(now)
    key = key if key is not None else generate_key(choices.key_type)
    if step == 1:
        authority = CertificateAuthority.create(
            choices.subject, key=key, days=choices.days, serial=choices.serial, now=now
        )
        return StepResult(1, choices, key, None, authority.certificate, authority)
    if ca is None:
        raise PkiLessonError(f"Step {step} needs the CA that signs.", "pass ca=... (prepare(step) gives it).")
    csr = create_csr(key, choices.subject, parse_general_names(list(choices.sans)))
    profile = SERVER if step == 2 else CLIENT
    certificate = ca.issue(csr, profile, days=choices.days, serial=choices.serial, now=now)
    return StepResult(step, choices, key, csr, certificate, ca)


@dataclass(frozen=True)
class Prepared:
    """The files a lesson starts from: the CA and earlier steps, and how they were obtained."""

    directory: Path
    ca: Optional[CertificateAuthority] = field(repr=False)
    items: Mapping = field(repr=False)
    message: str

    def __str__(self) -> str:
        return self.message


def _role_files(workspace: Workspace, role: str) -> list[str]:
    return workspace.existing([n for n in FILE_NAMES if n.startswith(f"{role}-")])


def _load_role(workspace: Workspace, role: str) -> dict:
    items = {(role, "key"): workspace.load_key(role), (role, "cert"): workspace.load_certificate(role)}
    if role != "ca":
        items[(role, "req")] = workspace.load_csr(role)
    return items


def prepare(step: int, directory: Union[str, Path] = LAB, *, now: Optional[dt.datetime] = None) -> Prepared:
    """The files lesson ``step`` needs: loaded from ``directory`` when there, else made with defaults.

    Step 1 needs nothing; step 2 needs the CA; step 3 the CA and the server
    (lesson 03 compares the client's certificate with the server's); step 4
    the CA, the server and the client. What is made is written into ``directory``
    (an existing file is never replaced). The message says what was loaded
    and what was made.
    """
    _check_step(step, (1, 2, 3, 4))
    workspace = Workspace(directory)
    needed = {1: (), 2: ("ca",), 3: ("ca", "server"), 4: ("ca", "server", "client")}[step]
    loaded, made, items, ca = [], [], {}, None
    for role in needed:
        present = _role_files(workspace, role)
        expected = [n for n in FILE_NAMES if n.startswith(f"{role}-")]
        if len(present) == len(expected):
            items.update(_load_role(workspace, role))
            loaded.append(role)
            if role == "ca":
                ca = workspace.load_authority()
            continue
        if present:
            raise WorkspaceError(
                f"{workspace.path}/ holds {', '.join(present)} but not the rest of the {role}'s files.",
                f"delete {', '.join(present)} (or the whole folder) to start that step again.",
            )
        if role != "ca" and ca is None:
            raise WorkspaceError("No CA to sign with.", f"delete {workspace.path}/ to start again.")
        if role == "ca" and any(_role_files(workspace, r) for r in ("server", "client")):
            raise WorkspaceError(
                f"{workspace.path}/ holds server or client files but no CA: they cannot be checked.",
                f"delete {workspace.path}/ to start again from step 1.",
            )
        result = make_step(1 if role == "ca" else (2 if role == "server" else 3), ca=ca, now=now)
        result.save(workspace.path)
        items.update(result.items())
        made.append(role)
        if role == "ca":
            ca = result.ca
    parts = []
    if loaded:
        parts.append(f"Loaded the files of {_roles(loaded)} from {workspace.path}/.")
    if made:
        parts.append(f"Made {_roles(made)} with default settings and wrote them to {workspace.path}/.")
    message = " ".join(parts) or f"Step {step} starts from nothing: no earlier files are needed."
    return Prepared(workspace.path, ca, items, message)


def _roles(roles: list[str]) -> str:
    names = {"ca": "the CA (step 1)", "server": "the server (step 2)", "client": "the client (step 3)"}
    return ", ".join(names[r] for r in roles)


# -- the source's own commands ----------------------------------------------------------------------

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
        note = "(The openssl command is not installed here: these commands were shown, not run.)"
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


# -- small helpers lessons 01 and 02 call -------------------------------------------------------


@dataclass(frozen=True)
class Transcript:
    """One ``openssl`` command as a terminal shows it: the command, what it printed, its exit status.

    ``returncode`` is None when the command did not run (no ``openssl`` CLI here).
    """

    command: str
    output: str
    returncode: Optional[int]

    @property
    def ran(self) -> bool:
        return self.returncode is not None

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def __str__(self) -> str:
        lines = [f"$ {self.command}", *self.output.rstrip().splitlines()]
        if not self.ran:
            lines.append("(The openssl command is not installed here: this command was shown, not run.)")
        else:
            lines.append(f"(exit status {self.returncode}: {'success' if self.ok else 'failure'})")
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle) -> None:  # IPython shows the transcript, not the dataclass
        printer.text(str(self))

    def _repr_html_(self) -> str:
        """The command, what it said in words and its exit status (✓/✗ and a word, not only a colour);
        OpenSSL's internal error stack (``8000...:error:...:file.c:line:``), which tells where inside
        OpenSSL it stopped, folded below."""
        import html as _html

        said, stack = [], []
        for line in self.output.rstrip().splitlines():
            (stack if _ERROR_STACK.match(line) else said).append(line)
        lines = [f"$ {self.command}", *said]
        if not self.ran:
            lines.append("(The openssl command is not installed here: this command was shown, not run.)")
        else:
            lines.append(f"{'✓' if self.ok else '✗'} exit status {self.returncode}: {'success' if self.ok else 'failure'}")
        page = f'<pre class="pkilesson-transcript">{_html.escape(chr(10).join(lines))}</pre>'
        if stack:
            page += (f"<details><summary>OpenSSL's own error stack ({len(stack)} lines: where inside OpenSSL it "
                     f'stopped)</summary><pre>{_html.escape(chr(10).join(stack))}</pre></details>')
        return page


#: A line of OpenSSL's error stack: thread id, "error", code, library, function, reason, file:line.
_ERROR_STACK = __import__("re").compile(r"^[0-9A-F]{6,}:error:[0-9A-F]+:")


def run_openssl(command: str, folder: Union[str, Path] = LAB) -> Transcript:
    """Run one ``openssl`` command line in ``folder`` and keep what it printed.

    A failing command is a result, not an exception: the lessons run some
    on purpose (``openssl verify -x509_strict`` on the source's CA). Without
    the CLI the command is shown, not run. A ``> file`` redirect is honoured
    as a shell does (mode 0666 less the umask).
    """
    from ..pki.openssl import run

    if openssl_path() is None:
        return Transcript(command, "", None)
    Path(folder).mkdir(parents=True, exist_ok=True)
    done = run(command, folder, check=False)
    return Transcript(str(done.command), done.stderr + done.stdout, done.returncode)


def openssl_config_section(section: str = "v3_ca") -> str:
    """The ``[ section ]`` of the configuration file the ``openssl`` CLI reads, as written there.

    That file is ``$OPENSSL_CONF``, else ``openssl.cnf`` in the folder
    ``openssl version -d`` names. ``openssl req -x509`` takes the CA
    certificate's extensions from its ``x509_extensions`` section (``v3_ca``
    in the stock file). Blank lines are dropped; comments are kept.
    """
    import re

    path = os.environ.get("OPENSSL_CONF")
    if not path:
        version = run_openssl("openssl version -d", ".")
        found = re.search(r'OPENSSLDIR: "([^"]*)"', version.output)
        if not found:
            return "(The openssl command is not installed here: there is no configuration file to show.)"
        path = os.path.join(found.group(1), "openssl.cnf")
    try:
        text = Path(path).read_text(errors="replace")
    except OSError as exc:
        return f"(Cannot read {path}: {exc.strerror}.)"
    lines, inside = [], False
    for line in text.splitlines():
        header = re.match(r"\s*\[\s*([^\]]+?)\s*\]", line)
        if header:
            inside = header.group(1) == section
            continue
        if inside and line.strip():
            lines.append(line.rstrip())
    if not lines:
        return f"({path} has no section [ {section} ].)"
    return "\n".join([f"# {path}, section [ {section} ]", *lines])


def write_pem(artifact: Union[x509.Certificate, x509.CertificateSigningRequest], path: Union[str, Path]) -> Path:
    """Write a certificate or a CSR as PEM to ``path`` (its folder is made if needed); returns the path.

    Public artifacts only: a private key goes through
    :meth:`~pkilesson.pki.workspace.Workspace.save_key`, which writes mode 0600.
    """
    from cryptography.hazmat.primitives.serialization import Encoding

    if not isinstance(artifact, (x509.Certificate, x509.CertificateSigningRequest)):
        raise PkiLessonError(
            f"write_pem writes certificates and CSRs, not a {type(artifact).__name__}.",
            "save a private key with Workspace(...).save_key(role, key), which keeps it owner-only (0600).",
        )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(artifact.public_bytes(Encoding.PEM))
    return path


def make_probe(ca: CertificateAuthority, path: Union[str, Path]) -> StepResult:
    """A correct, throwaway server certificate for ``probe.localhost``, signed by ``ca``, written to ``path``.

    EC P-256, valid one day, pkilesson's server profile (SAN, keyUsage,
    EKU, AKI): whatever a verifier then says about the chain is about the
    CA, not the leaf. Lesson 01 uses it to test the source's CA certificate.
    """
    choices = Choices(key_type="p256", common_name="probe.localhost", organization="probe",
                      sans=("probe.localhost",), days=1)
    result = make_step(2, choices, ca=ca)
    write_pem(result.certificate, path)
    return result


# -- Python's default context, its strict flag off and on ------------------------------------------------


def default_context_verdicts(trusted: x509.Certificate, server: StepResult, host: Optional[str] = None) -> str:
    """Two real handshakes with the running Python's ``ssl.create_default_context()``, strict flag off then on.

    The client trusts ``trusted`` only; the server presents ``server``'s
    certificate (a :class:`StepResult`, e.g. :func:`make_probe`'s). Off is how
    Python 3.12 and earlier make the default context; on, how Python 3.13
    makes it (``VERIFY_X509_STRICT``, CPython issue 107361). What the flag
    refuses depends on the OpenSSL underneath, named in the first line.
    """
    import ssl

    from ..tls.loopback import Party
    from ..tls.wire import observe

    if not isinstance(server, StepResult) or not isinstance(trusted, x509.Certificate):
        raise PkiLessonError("default_context_verdicts takes a CA certificate and a StepResult.",
                             "pass source_ca.certificate and the result of lesson.make_probe(...).")
    host = host or (server.choices.sans[0] if server.choices.sans else server.choices.common_name)
    default_on = bool(ssl.create_default_context().verify_flags & ssl.VERIFY_X509_STRICT)
    lines = [versions(), f"this Python's create_default_context() sets VERIFY_X509_STRICT: {default_on}"]
    for strict, label in ((False, "off (as Python 3.12 and earlier)"), (True, "on (as Python 3.13 makes it)")):
        seen = observe(server=Party((server.certificate,), server.key, ()), client=Party((), None, (trusted,)),
                       host=host, default_context=True, strict=strict, partial_chain=None)
        lines.append(f"  VERIFY_X509_STRICT {label}: {seen.verdict()}")
    return "\n".join(lines)
