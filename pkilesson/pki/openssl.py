"""The ``openssl`` command lines of each step: the source's, and ours.

For every step the lessons show two paths side by side:

* the **source** recipe's exact commands (with ``-subj`` added so that
  ``openssl req`` does not stop to ask for the name fields);
* the **corrected** commands, which make what pkilesson's library makes:
  the same extensions, serial, validity and digest.

:func:`run` executes a command when the ``openssl`` CLI is installed, so a
lesson can compare both results for real.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Union

from cryptography import x509

from .._catalog import _
from ..errors import OpenSSLError
from .keys import key_type_of
from .names import format_general_name, format_subj
from .profiles import CLIENT, ROOT_CA, SERVER, Profile

__all__ = [
    "Command",
    "StepCommands",
    "openssl_path",
    "openssl_version",
    "run",
    "run_step",
    "key_commands",
    "ca_certificate_commands",
    "leaf_commands",
    "verify_commands",
    "source_recipe",
]


@dataclass(frozen=True)
class Command:
    """One ``openssl`` command line; ``stdout_to`` is a shell ``> file`` redirect."""

    argv: tuple[str, ...]
    stdout_to: Optional[str] = None

    def __str__(self) -> str:
        text = shlex.join(self.argv)
        return f"{text} > {self.stdout_to}" if self.stdout_to else text


@dataclass(frozen=True)
class StepCommands:
    """The commands of one step, and the extension files they read."""

    title: str
    commands: tuple[Command, ...]
    files: tuple[tuple[str, str], ...] = field(default=())

    def __str__(self) -> str:
        """The step as a shell script: extension files written with ``cat``, then the commands."""
        lines = []
        for name, content in self.files:
            lines += [f"cat > {name} <<'EOF'", *content.splitlines(), "EOF"]
        return "\n".join(lines + [str(c) for c in self.commands])


def _digest_flag(key_type: str) -> tuple[str, ...]:
    if key_type == "ed25519":
        return ()  # Ed25519 signs the message itself: no separate digest
    return ("-sha384",) if key_type == "p384" else ("-sha256",)


def _genpkey_args(key_type: str) -> tuple[str, ...]:
    if key_type.startswith("rsa"):
        return ("-algorithm", "RSA", "-pkeyopt", f"rsa_keygen_bits:{key_type[3:]}")
    if key_type in ("p256", "p384"):
        curve = "P-256" if key_type == "p256" else "P-384"
        return ("-algorithm", "EC", "-pkeyopt", f"ec_paramgen_curve:{curve}")
    return ("-algorithm", "ED25519")


def key_commands(role: str, key_type: str = "rsa2048", *, source: bool = False) -> StepCommands:
    """Make ``<role>-key.pem``. The source: ``openssl genrsa 2048 > <role>-key.pem``
    (mode 0644 under the usual umask); ours: ``openssl genpkey ... -out``, which
    creates the file with mode 0600."""
    out = f"{role}-key.pem"
    if source:
        return StepCommands(f"{role} key", (Command(("openssl", "genrsa", "2048"), out),))
    argv = ("openssl", "genpkey", *_genpkey_args(key_type), "-out", out)
    return StepCommands(f"{role} key", (Command(argv),))


def ca_certificate_commands(
    certificate: Optional[x509.Certificate] = None, *, subj: str = "", days: int = 365, source: bool = False,
    profile: Profile = ROOT_CA,
) -> StepCommands:
    """Make ``ca-cert.pem``, self-signed with ``ca-key.pem``.

    Ours is built from the library's ``certificate`` so that its subject,
    serial, validity, digest and extensions match.
    """
    base = ("openssl", "req", "-new", "-x509", "-key", "ca-key.pem", "-out", "ca-cert.pem")
    if source or certificate is None:
        return StepCommands("CA certificate", (Command((*base, "-days", str(days), "-subj", subj)),))
    public = certificate.public_key()
    key_type = key_type_of(public)
    argv = [
        *base,
        "-days", str(_days(certificate)),
        "-subj", format_subj(certificate.subject),
        "-set_serial", hex(certificate.serial_number),
        *_digest_flag(key_type),
    ]
    for line in profile.openssl_extensions(public):
        argv += ["-addext", line]
    return StepCommands("CA certificate", (Command(tuple(argv)),))


def _days(certificate: x509.Certificate) -> int:
    return (certificate.not_valid_after_utc - certificate.not_valid_before_utc).days


def leaf_commands(
    role: str,
    certificate: Optional[x509.Certificate] = None,
    *,
    subj: str = "",
    days: int = 365,
    serial: str = "01",
    source: bool = False,
    profile: Optional[Profile] = None,
) -> StepCommands:
    """Make ``<role>-req.pem`` then ``<role>-cert.pem``, signed by the CA.

    The source's CSR requests nothing and its ``openssl x509 -req`` adds no
    extension. Ours requests the subjectAltName in the CSR (``-addext``),
    copies it (``-copy_extensions copy``) and adds the profile's extensions
    from ``<role>-ext.cnf`` (``-extfile``).
    """
    key, req, out = f"{role}-key.pem", f"{role}-req.pem", f"{role}-cert.pem"
    title = f"{role} certificate"
    if source or certificate is None:
        return StepCommands(title, (
            Command(("openssl", "req", "-new", "-key", key, "-out", req, "-subj", subj)),
            Command(("openssl", "x509", "-req", "-in", req, "-CA", "ca-cert.pem", "-CAkey", "ca-key.pem",
                     "-out", out, "-days", str(days), "-set_serial", serial)),
        ))
    profile = profile or (SERVER if role == "server" else CLIENT)
    public = certificate.public_key()
    digest = _digest_flag(key_type_of(public))  # the subject signs its CSR
    signed_with = certificate.signature_hash_algorithm  # the CA signs the certificate
    sign_digest = (f"-{signed_with.name}",) if signed_with is not None else ()
    try:
        sans = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        san_args: tuple[str, ...] = ("-addext", "subjectAltName=" + ",".join(format_general_name(n) for n in sans))
    except x509.ExtensionNotFound:
        san_args = ()
    extfile = f"{role}-ext.cnf"
    csr = ("openssl", "req", "-new", "-key", key, "-out", req, "-subj", format_subj(certificate.subject),
           *digest, *san_args)
    sign = ("openssl", "x509", "-req", "-in", req, "-CA", "ca-cert.pem", "-CAkey", "ca-key.pem", "-out", out,
            "-days", str(_days(certificate)), "-set_serial", hex(certificate.serial_number), *sign_digest,
            "-copy_extensions", "copy", "-extfile", extfile)
    content = "\n".join(profile.openssl_extensions(public)) + "\n"
    return StepCommands(title, (Command(csr), Command(sign)), ((extfile, content),))


def verify_commands(role: str, *, host: str = "localhost", source: bool = False) -> StepCommands:
    """Step 4. The source: ``openssl verify -CAfile ca-cert.pem <role>-cert.pem``.
    Ours adds strict RFC 5280 checks, the purpose and (for the server) the host name."""
    cert = f"{role}-cert.pem"
    if source:
        return StepCommands(f"verify {role}", (Command(("openssl", "verify", "-CAfile", "ca-cert.pem", cert)),))
    purpose = ("-purpose", "sslserver", "-verify_hostname", host) if role == "server" else ("-purpose", "sslclient")
    argv = ("openssl", "verify", "-x509_strict", "-CAfile", "ca-cert.pem", *purpose, cert)
    return StepCommands(f"verify {role}", (Command(argv),))


def source_recipe(
    ca_subj: str = "/C=FR/O=Lab/CN=Lab CA",
    server_subj: str = "/C=FR/O=Lab/CN=localhost",
    client_subj: str = "/C=FR/O=Lab/CN=client",
) -> tuple[StepCommands, ...]:
    """The source document's commands, in order, with ``-subj`` added."""
    return (
        key_commands("ca", source=True),
        ca_certificate_commands(subj=ca_subj, source=True),
        key_commands("server", source=True),
        leaf_commands("server", subj=server_subj, serial="01", source=True),
        key_commands("client", source=True),
        leaf_commands("client", subj=client_subj, serial="02", source=True),
        verify_commands("server", source=True),
        verify_commands("client", source=True),
    )


# -- running -----------------------------------------------------------------


def openssl_path() -> Optional[str]:
    """Where the ``openssl`` CLI is, or None when it is not installed."""
    return shutil.which("openssl")


def openssl_version() -> Optional[str]:
    """``openssl version``'s answer, e.g. ``OpenSSL 3.0.19 27 Jan 2026``, or None."""
    exe = openssl_path()
    if not exe:
        return None
    done = subprocess.run([exe, "version"], capture_output=True, text=True, timeout=30)
    return done.stdout.strip() or None


@dataclass(frozen=True)
class Run:
    """What one command did: its exit code and output."""

    command: Command
    returncode: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def run(
    command: Union[Command, str], cwd: Union[str, Path], *, check: bool = True, timeout: float = 120
) -> Run:
    """Run one ``openssl`` command in ``cwd`` (a ``> file`` redirect is honoured).

    Raises :class:`OpenSSLError` when the CLI is missing, or (with ``check``)
    when the command fails; the error carries OpenSSL's own message.
    """
    if isinstance(command, str):
        text, _sep, redirect = command.partition(" > ")
        command = Command(tuple(shlex.split(text)), redirect.strip() or None)
    exe = openssl_path()
    if exe is None:
        raise OpenSSLError(
            _("The openssl command line tool is not installed here."),
            _("install it (Debian/Ubuntu: apt-get install openssl), or follow the library path only."),
        )
    if not command.argv or command.argv[0] != "openssl":
        raise OpenSSLError(_("{command} is not an openssl command.").format(command=command),
                           _("start the command with 'openssl'."))
    argv = [exe, *command.argv[1:]]
    try:
        done = subprocess.run(argv, cwd=cwd, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise OpenSSLError(_("'{command}' did not finish within {seconds} s.").format(command=command,
                                                                                     seconds=f"{timeout:g}"),
                           _("check its arguments.")) from None
    except OSError as exc:
        raise OpenSSLError(_("Cannot run '{command}': {reason}.").format(command=command, reason=exc.strerror),
                           _("check the folder exists.")) from None
    stdout = done.stdout
    if command.stdout_to and done.returncode == 0:
        target = Path(cwd) / command.stdout_to
        # Like a shell's '>': mode 0666 less the umask (0644 usually).
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        with os.fdopen(fd, "wb") as handle:
            handle.write(stdout)
        stdout = b""
    result = Run(command, done.returncode, stdout.decode(errors="replace"), done.stderr.decode(errors="replace"))
    if check and not result.ok:
        message = result.stderr.strip().splitlines()[-1:] or [result.stdout.strip()]
        raise OpenSSLError(
            _("'{command}' failed (exit {code}): {message}").format(command=command, code=done.returncode,
                                                                   message=message[0]),
            _("read OpenSSL's message above; check the input files exist and match."),
        )
    return result


def run_step(step: StepCommands, cwd: Union[str, Path], *, check: bool = True) -> list[Run]:
    """Write the step's extension files into ``cwd``, then run its commands in order."""
    Path(cwd).mkdir(parents=True, exist_ok=True)
    for name, content in step.files:
        (Path(cwd) / name).write_text(content)
    return [run(command, cwd, check=check) for command in step.commands]
