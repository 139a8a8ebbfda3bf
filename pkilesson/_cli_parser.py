"""The command line's grammar: every ``pkilesson`` sub-command, its options, and the types that check them.

The commands themselves are in :mod:`pkilesson._cli_commands`; an argument that a type
here refuses ends the run with one line and exit 2 (argparse's own error,
made one line by :class:`_Parser`).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from ._catalog import _
from .errors import PkiLessonError
from .i18n import LANGUAGES
from .pki.keys import CA_KEY_TYPES, KEY_TYPES

__all__ = ["build_parser"]


class _Formatter(argparse.HelpFormatter):
    """argparse's help, its "usage: " in the messages' language."""

    #: The spaces French puts before : ; ? ! » and after «: argparse's wrapping must not break a line there.
    _GLUED = re.compile(r" (?=[:;?!»])|(?<=«) ")

    def add_usage(self, usage, actions, groups, prefix=None) -> None:
        super().add_usage(usage, actions, groups, _("usage: ") if prefix is None else prefix)

    def _split_lines(self, text, width):
        return [line.replace("\0", " ") for line in super()._split_lines(self._GLUED.sub("\0", text), width)]

    def _fill_text(self, text, width, indent):
        return super()._fill_text(self._GLUED.sub("\0", text), width, indent).replace("\0", " ")


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, add_help: bool = True, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, add_help=False, **kwargs)
        # argparse's own headings and -h, in the messages' language (in English, argparse's words exactly).
        # Translators: argparse writes its colon right after a heading: end it with a space in French.
        self._positionals.title = _("positional arguments")
        # Translators: argparse writes its colon right after a heading: end it with a space in French.
        self._optionals.title = _("options")
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                              help=_("show this help message and exit"))

    def error(self, message: str) -> None:  # one line, exit 2
        # Translators: {message} is argparse's own (Python's words, left in English).
        self.exit(2, f"{self.prog}: " + _("error: {message} (see '{prog} --help')").format(message=message,
                                                                                            prog=self.prog) + "\n")


def _whole(minimum: int, too_small):
    """An argparse type: a whole number of at least ``minimum`` (``too_small(value)`` words the refusal)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(_("{text!r} is not a whole number").format(text=text)) from None
        if value < minimum:
            raise argparse.ArgumentTypeError(too_small(value))
        return value

    return parse


_positive_int = _whole(1, lambda value: _("{value} is not a positive number of days").format(value=value))
_non_negative = _whole(0, lambda value: _("{value}: the number of intermediates cannot be negative").format(value=value))


def _depth(text: str) -> int:
    from .verify.verification import MAX_DEPTH

    value = _non_negative(text)
    if value > MAX_DEPTH:
        raise argparse.ArgumentTypeError(_("{value} is more than {most}, the most the verifier accepts").format(
            value=value, most=MAX_DEPTH))
    return value


def _folder(text: str) -> Path:
    """An argparse type: a folder name, never empty (an empty name would mean the current folder)."""
    if not text.strip():
        raise argparse.ArgumentTypeError(_("the folder name is empty; give a folder such as lab (or . for this one)"))
    return Path(text)


def _host(text: str) -> str:
    """An argparse type: the name a client connects to, a DNS name or an IP address (checked before any socket)."""
    from .tls.loopback import _check_host

    try:
        return _check_host(text)
    except PkiLessonError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="pkilesson", description=_("A private CA, a server and a client, step by step."))
    language = _("the language of the messages, en or fr (default: LC_ALL, LC_MESSAGES or LANG, as the locale "
                 "says; English otherwise); --json output is the same in both")
    parser.add_argument("--lang", choices=LANGUAGES, help=language)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    wf = sub.add_parser("workflow", help=_("run steps 1-4 of the source and write the eight files"))
    wf.add_argument("directory", type=_folder, help=_("the workspace folder (created if needed, mode 0700)"))
    wf.add_argument("--key-type", choices=KEY_TYPES, default="rsa2048",
                    help=_("type of the keys (default rsa2048, as the source)"))
    wf.add_argument("--ca-key-type", choices=CA_KEY_TYPES,
                    help=_("type of the CA's key (default: --key-type, or p256 with --key-type ed25519: "
                    "pyca/cryptography's verifier refuses certificates signed with Ed25519)"))
    wf.add_argument("--days", type=_positive_int, default=365, help=_("validity of the server and client certificates"))
    wf.add_argument("--ca-days", type=_positive_int, default=3650, help=_("validity of the CA certificate"))
    wf.add_argument("--server-name", action="append", dest="server_names", metavar="NAME",
                    help=_("a server DNS name or IP address (repeat; default localhost and 127.0.0.1)"))
    wf.add_argument("--client-name", default="client.localhost", help=_("the client's name (CN and subjectAltName)"))
    wf.add_argument("--ca-name", default="pkilesson Root CA", help=_("the CA's common name"))
    wf.add_argument("--fixed-serials", action="store_true", help=_("use serials 1 and 2 as the source does"))
    wf.add_argument("--overwrite", action="store_true", help=_("replace files that already exist"))

    vf = sub.add_parser("verify", help=_("verify a certificate against a CA with pyca/cryptography"))
    vf.add_argument("certificate", type=Path, help=_("the certificate to verify (PEM)"))
    vf.add_argument("--ca", type=Path, action="append", required=True, help=_("a trusted CA certificate (repeat)"))
    vf.add_argument("--untrusted", type=Path, action="append", default=[], help=_("an intermediate certificate file"))
    purpose = vf.add_mutually_exclusive_group(required=True)
    purpose.add_argument("--host", help=_("verify as a server certificate for this DNS name"))
    purpose.add_argument("--ip", help=_("verify as a server certificate for this IP address"))
    purpose.add_argument("--client", action="store_true", help=_("verify as a client certificate"))
    vf.add_argument("--at", help=_("check at this instant (ISO 8601, e.g. 2027-01-01T00:00:00Z)"))
    vf.add_argument("--max-depth", type=_depth, help=_("most intermediates accepted (0: the leaf's issuer is the root)"))
    vf.add_argument("--crl", type=Path, help=_("a CRL to check the certificate against (its signature is checked "
                    "with the --ca certificates first)"))
    show = vf.add_mutually_exclusive_group()
    show.add_argument("--json", action="store_true", help=_("print the verdict, every check, the fix and the warnings as JSON"))
    show.add_argument("--explain", action="store_true", help=_("print every check in order with its result"))

    ml = sub.add_parser("mtls", help=_("run one mutual-TLS handshake on 127.0.0.1 with a workspace's files"))
    ml.add_argument("directory", type=_folder, help=_("the workspace folder (pkilesson workflow DIR)"))
    who = ml.add_mutually_exclusive_group()
    who.add_argument("--no-client-cert", action="store_true", help=_("the client sends no certificate"))
    who.add_argument("--client-cert", type=Path, help=_("the client's certificate (default DIR/client-cert.pem)"))
    ml.add_argument("--client-key", type=Path, help=_("the client's key (with --client-cert)"))
    ml.add_argument("--crl", type=Path, help=_("a CRL the server checks (e.g. DIR/ca-crl.pem)"))
    ml.add_argument("--host", type=_host, default="localhost",
                    help=_("the name the client connects to (default localhost)"))
    ml.add_argument("--json", action="store_true", help=_("print the handshake report as JSON"))
    ml.add_argument("--client", choices=("python", "chromium", "curl"), default="python", dest="client_program",
                    help=_("who plays the client: Python's ssl (default), headless Chromium with the client "
                    "certificate in a throwaway NSS database, or curl --cert/--key/--cacert"))

    rv = sub.add_parser("revoke", help=_("revoke a certificate with the workspace's CA and write DIR/ca-crl.pem"))
    rv.add_argument("directory", type=_folder, help=_("the workspace folder (its ca-key.pem signs the CRL)"))
    rv.add_argument("certificate", type=Path, help=_("the certificate to revoke"))
    rv.add_argument("--reason", default="keyCompromise", help=_("an RFC 5280 reason (default keyCompromise)"))
    rv.add_argument("--days", type=_positive_int, default=7, help=_("days until the CRL's nextUpdate (default 7)"))

    ins = sub.add_parser("inspect", help=_("decode and explain a certificate, CSR, CRL or key file"))
    ins.add_argument("file", type=Path, help=_("the file (PEM or DER; a PEM bundle decodes each block)"))
    ins.add_argument("--asn1", action="store_true", help=_("add the DER tree (offsets, lengths, tags, field names)"))
    ins.add_argument("--json", action="store_true", help=_("print one JSON object instead of text"))
    ins.add_argument("--issuer", type=Path, help=_("the issuer's certificate, to check the signature"))
    ins.add_argument("--at", help=_("date validity at this instant (ISO 8601; default now)"))

    dg = sub.add_parser("diagram", help=_("draw who signed what and who trusts whom in a workspace, as SVG"))
    dg.add_argument("directory", type=_folder, help=_("the workspace folder"))
    dg.add_argument("-o", "--output", default="-",
                    help=_("the SVG (or DOT) file to write; '-' or none: standard output. Never a private key, a link "
                    "or a device"))
    dg.add_argument("--kind", choices=("workspace", "chain", "mtls"), default="workspace",
                    help=_("workspace: the files and their links (default); chain: one certificate's chain, "
                    "check by check; mtls: the mutual-TLS handshake"))
    dg.add_argument("--step", type=int, choices=(1, 2, 3, 4),
                    help=_("workspace: draw what exists after this step (default: the last step done)"))
    dg.add_argument("--role", choices=("server", "client"), help=_("chain: whose certificate (default server)"))
    dg.add_argument("--host", type=_host, help=_("mtls: the name the client connects to (default: the server's first name)"))
    dg.add_argument("--at", help=_("check the dates at this instant (ISO 8601; default now)"))
    dg.add_argument("--renderer", choices=("auto", "bundled", "system"),
                    help=_("bundled: graphviz-pure from pip; system: Graphviz's dot; auto (default): bundled if installed"))
    dg.add_argument("--dot", action="store_true", help=_("write the Graphviz DOT source instead of SVG"))
    dg.add_argument("--overwrite", action="store_true", help=_("replace the output file if it exists"))
    sv = sub.add_parser("serve", help=_("start MariaDB or nginx on 127.0.0.1 with a workspace's files (lesson 07)"))
    sv.add_argument("kind", choices=("mariadb", "nginx"), help=_("which server"))
    sv.add_argument("directory", type=_folder, help=_("the workspace folder (pkilesson workflow DIR)"))
    sv.add_argument("--port", type=_whole(1, lambda value: _("{value} is not a port number").format(value=value)),
                    help=_("the port (default: a free one)"))
    sv.add_argument("--crl", type=Path, help=_("a CRL the server checks (default DIR/ca-crl.pem when it exists)"))
    lb = sub.add_parser("lab", help=_("the break-it lab: make one defect live and run every checker on the machine"))
    lb.add_argument("defect", nargs="?", help=_("the defect's name (pkilesson lab --list shows them)"))
    lb.add_argument("--list", action="store_true", help=_("list the defects, one a line: name, two spaces, title"))
    lb.add_argument("-o", "--output", type=Path, metavar="DIR",
                    help=_("write ca-cert.pem, leaf-cert.pem, leaf-key.pem (0600) and untrusted.pem into DIR "
                    "(a new or empty folder) and run the checkers there, so each can be run again by hand"))
    lb.add_argument("--json", action="store_true", help=_("print the defect, every checker's verdict and the fix as JSON"))

    dr = sub.add_parser("doctor", help=_("check this machine: what each lesson runs fully, what it skips and why, "
                        "and the command that installs what is missing (exit 0: every lesson runs fully, else 1)"))
    dr.add_argument("--json", action="store_true", help=_("print the tools and the lessons as JSON"))

    pk = sub.add_parser("pack", help=_("put a workspace (keys included) and the notebooks beside it in one zip file"))
    pk.add_argument("directory", type=_folder, help=_("the workspace folder, e.g. lab"))
    pk.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.zip",
                    help=_("the archive to write (mode 0600: it holds private keys)"))
    books = pk.add_mutually_exclusive_group()
    books.add_argument("--notebooks", type=_folder, metavar="FOLDER",
                       help=_("the folder whose *.ipynb are packed (default: the one holding DIR)"))
    books.add_argument("--no-notebooks", action="store_true", help=_("pack the workspace only"))
    pk.add_argument("--overwrite", action="store_true", help=_("replace the archive if it exists"))

    up = sub.add_parser("unpack", help=_("restore a workspace and its notebooks from pkilesson pack's zip file, "
                        "never overwriting"))
    up.add_argument("archive", type=Path, help=_("the zip file made by pkilesson pack (or the Download my lab button)"))
    up.add_argument("directory", type=_folder, help=_("the workspace folder to make (new, or an empty folder)"))
    up.add_argument("--notebooks", type=_folder, metavar="FOLDER",
                    help=_("where the notebooks go (default: the folder holding DIR); none may exist there"))
    for command in sub.choices.values():  # pkilesson verify --lang fr, as well as pkilesson --lang fr verify
        command.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help=language)
    return parser
