"""``pkilesson``: the command-line front of the lessons.

    pkilesson workflow DIR      steps 1-4 of the source, with correct defaults
    pkilesson verify --ca CA.pem CERT.pem (--host NAME | --ip ADDR | --client)
    pkilesson inspect FILE [--asn1] [--json] [--issuer CA.pem]
    pkilesson diagram DIR -o FILE.svg [--kind workspace|chain|mtls] [--step N]
    pkilesson lab --list | pkilesson lab NAME [-o DIR] [--json]

Exit codes: 0 success, 1 a certificate did not verify, 2 bad input (one
line on standard error says what is wrong and how to fix it).

Every command refuses bad input before it writes anything; a reader that
stops early (``| head``) ends the output quietly; text that the terminal's
encoding cannot show is escaped, never an error; a library warning is one
line, ``pkilesson: warning: ...``.
"""

from __future__ import annotations

import argparse
import stat
import sys
from pathlib import Path
from typing import Optional, Sequence

from ._time import parse_instant
from .certificates import load_certificate, load_certificates
from .errors import PkiLessonError
from .keys import CA_KEY_TYPES, KEY_TYPES, describe_key_type
from .workflow import Settings, run_workflow
from .workspace import write_file

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _whole(minimum: int, too_small: str):
    """An argparse type: a whole number of at least ``minimum`` (``too_small`` formats the refusal)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(too_small.format(value))
        return value

    return parse


_positive_int = _whole(1, "{} is not a positive number of days")
_non_negative = _whole(0, "{}: the number of intermediates cannot be negative")


def _depth(text: str) -> int:
    from .verification import MAX_DEPTH

    value = _non_negative(text)
    if value > MAX_DEPTH:
        raise argparse.ArgumentTypeError(f"{value} is more than {MAX_DEPTH}, the most the verifier accepts")
    return value


def _folder(text: str) -> Path:
    """An argparse type: a folder name, never empty (an empty name would mean the current folder)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("the folder name is empty; give a folder such as lab (or . for this one)")
    return Path(text)


def _host(text: str) -> str:
    """An argparse type: the name a client connects to, a DNS name or an IP address (checked before any socket)."""
    from .tls import _check_host

    try:
        return _check_host(text)
    except PkiLessonError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="pkilesson", description="A private CA, a server and a client, step by step.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    wf = sub.add_parser("workflow", help="run steps 1-4 of the source and write the eight files")
    wf.add_argument("directory", type=_folder, help="the workspace folder (created if needed, mode 0700)")
    wf.add_argument("--key-type", choices=KEY_TYPES, default="rsa2048",
                    help="type of the keys (default rsa2048, as the source)")
    wf.add_argument("--ca-key-type", choices=CA_KEY_TYPES,
                    help="type of the CA's key (default: --key-type, or p256 with --key-type ed25519: "
                    "pyca/cryptography's verifier refuses certificates signed with Ed25519)")
    wf.add_argument("--days", type=_positive_int, default=365, help="validity of the server and client certificates")
    wf.add_argument("--ca-days", type=_positive_int, default=3650, help="validity of the CA certificate")
    wf.add_argument("--server-name", action="append", dest="server_names", metavar="NAME",
                    help="a server DNS name or IP address (repeat; default localhost and 127.0.0.1)")
    wf.add_argument("--client-name", default="client.localhost", help="the client's name (CN and subjectAltName)")
    wf.add_argument("--ca-name", default="pkilesson Root CA", help="the CA's common name")
    wf.add_argument("--fixed-serials", action="store_true", help="use serials 1 and 2 as the source does")
    wf.add_argument("--overwrite", action="store_true", help="replace files that already exist")

    vf = sub.add_parser("verify", help="verify a certificate against a CA with pyca/cryptography")
    vf.add_argument("certificate", type=Path, help="the certificate to verify (PEM)")
    vf.add_argument("--ca", type=Path, action="append", required=True, help="a trusted CA certificate (repeat)")
    vf.add_argument("--untrusted", type=Path, action="append", default=[], help="an intermediate certificate file")
    purpose = vf.add_mutually_exclusive_group(required=True)
    purpose.add_argument("--host", help="verify as a server certificate for this DNS name")
    purpose.add_argument("--ip", help="verify as a server certificate for this IP address")
    purpose.add_argument("--client", action="store_true", help="verify as a client certificate")
    vf.add_argument("--at", help="check at this instant (ISO 8601, e.g. 2027-01-01T00:00:00Z)")
    vf.add_argument("--max-depth", type=_depth, help="most intermediates accepted (0: the leaf's issuer is the root)")
    vf.add_argument("--crl", type=Path, help="a CRL to check the certificate against (its signature is checked "
                    "with the --ca certificates first)")
    show = vf.add_mutually_exclusive_group()
    show.add_argument("--json", action="store_true", help="print the verdict, every check, the fix and the warnings as JSON")
    show.add_argument("--explain", action="store_true", help="print every check in order with its result")

    ml = sub.add_parser("mtls", help="run one mutual-TLS handshake on 127.0.0.1 with a workspace's files")
    ml.add_argument("directory", type=_folder, help="the workspace folder (pkilesson workflow DIR)")
    who = ml.add_mutually_exclusive_group()
    who.add_argument("--no-client-cert", action="store_true", help="the client sends no certificate")
    who.add_argument("--client-cert", type=Path, help="the client's certificate (default DIR/client-cert.pem)")
    ml.add_argument("--client-key", type=Path, help="the client's key (with --client-cert)")
    ml.add_argument("--crl", type=Path, help="a CRL the server checks (e.g. DIR/ca-crl.pem)")
    ml.add_argument("--host", type=_host, default="localhost",
                    help="the name the client connects to (default localhost)")
    ml.add_argument("--json", action="store_true", help="print the handshake report as JSON")

    rv = sub.add_parser("revoke", help="revoke a certificate with the workspace's CA and write DIR/ca-crl.pem")
    rv.add_argument("directory", type=_folder, help="the workspace folder (its ca-key.pem signs the CRL)")
    rv.add_argument("certificate", type=Path, help="the certificate to revoke")
    rv.add_argument("--reason", default="keyCompromise", help="an RFC 5280 reason (default keyCompromise)")
    rv.add_argument("--days", type=_positive_int, default=7, help="days until the CRL's nextUpdate (default 7)")

    ins = sub.add_parser("inspect", help="decode and explain a certificate, CSR, CRL or key file")
    ins.add_argument("file", type=Path, help="the file (PEM or DER; a PEM bundle decodes each block)")
    ins.add_argument("--asn1", action="store_true", help="add the DER tree (offsets, lengths, tags, field names)")
    ins.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    ins.add_argument("--issuer", type=Path, help="the issuer's certificate, to check the signature")
    ins.add_argument("--at", help="date validity at this instant (ISO 8601; default now)")

    dg = sub.add_parser("diagram", help="draw who signed what and who trusts whom in a workspace, as SVG")
    dg.add_argument("directory", type=_folder, help="the workspace folder")
    dg.add_argument("-o", "--output", default="-",
                    help="the SVG (or DOT) file to write; '-' or none: standard output. Never a private key, a link "
                    "or a device")
    dg.add_argument("--kind", choices=("workspace", "chain", "mtls"), default="workspace",
                    help="workspace: the files and their links (default); chain: one certificate's chain, "
                    "check by check; mtls: the mutual-TLS handshake")
    dg.add_argument("--step", type=int, choices=(1, 2, 3, 4),
                    help="workspace: draw what exists after this step (default: the last step done)")
    dg.add_argument("--role", choices=("server", "client"), help="chain: whose certificate (default server)")
    dg.add_argument("--host", type=_host, help="mtls: the name the client connects to (default: the server's first name)")
    dg.add_argument("--at", help="check the dates at this instant (ISO 8601; default now)")
    dg.add_argument("--renderer", choices=("auto", "bundled", "system"),
                    help="bundled: graphviz-pure from pip; system: Graphviz's dot; auto (default): bundled if installed")
    dg.add_argument("--dot", action="store_true", help="write the Graphviz DOT source instead of SVG")
    dg.add_argument("--overwrite", action="store_true", help="replace the output file if it exists")
    lb = sub.add_parser("lab", help="the break-it lab: make one defect live and run every checker on the machine")
    lb.add_argument("defect", nargs="?", help="the defect's name (pkilesson lab --list shows them)")
    lb.add_argument("--list", action="store_true", help="list the defects, one a line: name, two spaces, title")
    lb.add_argument("-o", "--output", type=Path, metavar="DIR",
                    help="write ca-cert.pem, leaf-cert.pem, leaf-key.pem (0600) and untrusted.pem into DIR "
                    "(a new or empty folder) and run the checkers there, so each can be run again by hand")
    lb.add_argument("--json", action="store_true", help="print the defect, every checker's verdict and the fix as JSON")
    return parser


def _lab(args: argparse.Namespace) -> int:
    from .defects import DEFECTS, make_defect
    from .matrix import LAB_FILES, verdict_matrix, write_lab_files

    if args.list:
        if args.defect or args.output or args.json:
            _parser().error("--list takes no defect, -o or --json")
        for name, defect in DEFECTS.items():
            print(f"{name}  {defect.title}")
        return 0
    if not args.defect:
        _parser().error("name a defect (pkilesson lab --list shows them)")
    if args.defect not in DEFECTS:
        raise PkiLessonError(f"There is no defect {args.defect!r} in the lab.",
                             "run 'pkilesson lab --list' and pick one of the names it shows.")
    broken = make_defect(args.defect)
    files = {}
    if args.output is not None:
        files = write_lab_files(broken, args.output)
    matrix = verdict_matrix(broken, args.output)
    if args.json:
        import json

        data = matrix.to_dict({name: str(args.output / name) for name in files} if files else {})
        print(json.dumps(data, indent=2))
        return 0
    print(matrix)
    if files:
        print(f"\nThe files, in {args.output}/ (each command above runs there):")
        for name in files:
            print(f"  {name}  {LAB_FILES[name]}")
    return 0


def _print_commands(label: str, steps) -> None:
    """The commands flush left, so they can be pasted into a shell as printed (a here-document's EOF included)."""
    print(f"  {label}")
    for step in steps:
        for line in str(step).splitlines():
            print(line)


def _workflow(args: argparse.Namespace) -> int:
    settings = Settings(
        key_type=args.key_type,
        ca_key_type=args.ca_key_type,
        ca_name=args.ca_name,
        server_names=tuple(args.server_names or Settings.server_names),
        client_name=args.client_name,
        days=args.days,
        ca_days=args.ca_days,
        serials=(1, 2) if args.fixed_serials else None,
    )
    result = run_workflow(args.directory, settings, overwrite=args.overwrite)
    keys = describe_key_type(settings.key_type)
    if settings.ca_key != settings.key_type:
        keys = f"{keys} keys; the CA's key: {describe_key_type(settings.ca_key)}"
    else:
        keys += " keys"
    print(f"Workspace {result.workspace.path}  ({keys})")
    for step in result.steps:
        print(f"\nStep {step.number}: {step.title}")
        for name in step.files:
            path = result.workspace.path / name
            mode = stat.S_IMODE(path.stat().st_mode)
            print(f"  wrote {name}  (mode {mode:04o})")
        _print_commands("source recipe (as the source runs it):", step.source)
        _print_commands("same result with openssl (paste into a shell, in the workspace folder):", step.ours)
        if step.number == 4:
            print(f"  server-cert.pem: {result.server_verdict}")
            print(f"  client-cert.pem: {result.client_verdict}")
    print("\nBoth certificates verify against ca-cert.pem." if result.ok else "\nVerification FAILED.")
    return 0 if result.ok else 1


def _verify(args: argparse.Namespace) -> int:
    # Read to verify: a certificate with a malformed extension is the verifier's to refuse.
    certificate = load_certificate(args.certificate, to_verify=True)
    roots = [root for path in args.ca for root in load_certificates(path, to_verify=True)]
    intermediates = [c for path in args.untrusted for c in load_certificates(path, to_verify=True)]
    now = parse_instant(args.at) if args.at else None
    from .explain import explain

    report = explain(
        certificate,
        roots,
        host=args.host or args.ip,
        client=args.client,
        intermediates=intermediates,
        max_depth=args.max_depth,
        now=now,
    )
    revocation = None
    if args.crl is not None:
        from .revocation import check_revocation, load_crl

        revocation = check_revocation(certificate, load_crl(args.crl), roots + intermediates, now=now)
    if args.json:
        import json

        data = report.to_dict()
        if revocation is not None:
            data["revocation"] = {"crl": str(args.crl), "checked_by": "pkilesson", **revocation.to_dict()}
        print(json.dumps(data, indent=2))
    else:
        _print_verdict(args.certificate, report, args.explain)
        if revocation is not None:
            print(f"  revocation (pyca/cryptography's verifier checks none; pkilesson's check of {args.crl}): "
                  f"{revocation}")
            if revocation.fix:
                print(f"  Fix: {revocation.fix}")
    ok = report.valid and (revocation is None or revocation.revoked is False)
    return 0 if ok else 1


def _print_verdict(path: Path, report, every_check: bool) -> None:
    """The verifier's own words first, then pkilesson's explanation, labelled as ours."""
    from .explain import verifier_version

    verdict = report.verdict
    if verdict.valid:
        print(f"{path}: {verdict}")
    else:
        what = f"server {verdict.peer_name}" if verdict.purpose == "server" else "client"
        print(f"{path}: invalid for {what}")
        print(f"  {verifier_version()} says: {verdict.reason}")
    if every_check:
        print(report)
        return
    failures = report.failures
    if failures:
        first = failures[0]
        print(f"  pkilesson's explanation: the check it refused on is {first.name} ({first.field}: {first.detail}). "
              f"Fix: {report.fix}")
        for other in failures[1:]:
            print(f"  pkilesson's explanation: {other.name} fails too ({other.field}: {other.detail}). Fix: {other.fix}")
    for warning in report.warnings:
        print(f"  warning (pkilesson): {warning}")


def _mtls(args: argparse.Namespace) -> int:
    from .keys import load_private_key
    from .revocation import load_crl
    from .tls import Party, handshake
    from .workflow import load_artifacts

    if args.client_key and not args.client_cert:
        raise PkiLessonError("--client-key was given without --client-cert.", "give both, or neither.")
    if args.client_cert and not args.client_key:
        raise PkiLessonError("--client-cert was given without --client-key.", "give the client's key too.")
    artifacts = load_artifacts(args.directory)
    trust = (artifacts.ca.certificate,)
    crls = (load_crl(args.crl),) if args.crl else ()
    server = Party((artifacts.server_certificate,), artifacts.server_key, trust, crls)
    if args.no_client_cert:
        client = Party((), None, trust)
    elif args.client_cert:
        client = Party(tuple(load_certificates(args.client_cert)), load_private_key(args.client_key), trust)
    else:
        client = Party((artifacts.client_certificate,), artifacts.client_key, trust)
    report = handshake(server=server, client=client, host=args.host)
    if args.json:
        import json

        print(json.dumps(report.to_dict(), indent=2))
    elif report.ok:
        print(f"handshake accepted by both sides: {report.client.version}, {report.client.cipher}")
        print(f"  the server saw the client {report.server.peer_subject}")
        print(f"  the client saw the server {report.client.peer_subject} (checked for {args.host})")
    else:
        print(f"handshake refused: {report.reason()}")
    return 0 if report.ok else 1


def _revoke(args: argparse.Namespace) -> int:
    from cryptography import x509

    from .revocation import CRL_FILE, revoke

    crl = revoke(args.directory, args.certificate, reason=args.reason, days=args.days)
    number = crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
    print(f"revoked {args.certificate}: {args.directory / CRL_FILE} now lists {len(list(crl))} certificate(s), "
          f"CRL number {number}, next update {crl.next_update_utc:%Y-%m-%d %H:%M}Z")
    return 0


def _inspect(args: argparse.Namespace) -> int:
    import json

    from .decode import decode_all  # imported here: the ASN.1 modules load in tens of ms

    now = parse_instant(args.at) if args.at else None
    items = decode_all(args.file, now=now, issuer=args.issuer)
    if args.json:
        dicts = [item.to_dict(asn1=args.asn1) for item in items]
        data = dicts[0] if len(dicts) == 1 else {"type": "bundle", "count": len(dicts), "items": dicts}
        print(json.dumps(data, indent=2))
        return 0
    for number, item in enumerate(items, 1):
        if len(items) > 1:
            print(f"{'' if number == 1 else chr(10)}== {args.file}: block {number} of {len(items)} (a bundle) ==")
        print(_cli_terms(str(item)))
        if args.asn1:
            print(f"DER tree ({len(item.asn1.data)} bytes):")
            print(item.asn1)
    return 0


def _diagram(args: argparse.Namespace) -> int:
    from .diagrams import chain_diagram, mtls_diagram, workspace_diagram  # imported here: the CLI starts lean

    for option, kind in (("step", "workspace"), ("role", "chain"), ("host", "mtls")):
        if getattr(args, option) is not None and args.kind != kind:
            _parser().error(f"--{option} is for --kind {kind}")
    now = parse_instant(args.at) if args.at else None
    if args.kind == "workspace":
        diagram = workspace_diagram(args.directory, step=args.step, now=now)
    elif args.kind == "chain":
        diagram = chain_diagram(args.directory, purpose=args.role or "server", now=now)
    else:
        diagram = mtls_diagram(args.directory, host=args.host, now=now)
    text = diagram.source if args.dot else diagram.svg(args.renderer)
    if args.output == "-":
        sys.stdout.write(text)
        return 0
    write_file(args.output, text.encode("utf-8"), overwrite=args.overwrite)
    print(f"wrote {args.output}: {diagram.title}")
    return 0


#: Library wording -> command-line wording, for the fixes of errors the CLI shows.
_CLI_TERMS = (
    ("pass overwrite=True (--overwrite) to replace", "pass --overwrite to replace"),
    ("overwrite=True (--overwrite)", "--overwrite"),
    ("pass overwrite=True", "pass --overwrite"),
    ("overwrite=True", "--overwrite"),
    ("(issuer=... or --issuer FILE)", "(--issuer FILE)"),
)


def _cli_terms(text: str) -> str:
    """``text`` with the library's argument names replaced by the command line's options."""
    for library, cli in _CLI_TERMS:
        text = text.replace(library, cli)
    return text


def _cli_words(text: str) -> str:
    return " ".join(_cli_terms(text).split())  # one line, whatever the message held


def _error(text: str) -> None:
    try:
        print(f"pkilesson: error: {_cli_words(text)}", file=sys.stderr)
    except (OSError, ValueError):  # standard error closed too: nothing more to say
        pass


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """A library warning as one line, without the source line Python shows by default."""
    try:
        print(f"pkilesson: warning: {_cli_words(str(message))}", file=sys.stderr)
    except (OSError, ValueError):
        pass


def _quiet_broken_pipe() -> int:
    """The reader (e.g. head) stopped early: not an error of ours; drop what is left of the output."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    import warnings

    for stream in (sys.stdout, sys.stderr):  # a terminal in another encoding: escape, never fail
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError):
            pass
    with warnings.catch_warnings():
        warnings.showwarning = _show_warning
        args = _parser().parse_args(argv)
        try:
            commands = {"workflow": _workflow, "verify": _verify, "inspect": _inspect, "diagram": _diagram,
                        "mtls": _mtls, "revoke": _revoke, "lab": _lab}
            code = commands[args.command](args)
            sys.stdout.flush()  # a broken pipe shows here, not at exit
            return code
        except PkiLessonError as exc:
            _error(str(exc))
            return 2
        except KeyboardInterrupt:
            return 130
        except BrokenPipeError:
            return _quiet_broken_pipe()
        except OSError as exc:  # the library turns these into PkiLessonErrors; this is the last net
            from .pem import os_problem

            problem, fix = os_problem(exc, exc.filename or "a file", "use")
            _error(f"{problem} Fix: {fix}")
            return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
