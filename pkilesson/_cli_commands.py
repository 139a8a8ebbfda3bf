"""The commands of ``pkilesson`` (:mod:`pkilesson.cli`), one function each: the parsed arguments in, an exit code out.

:func:`pkilesson.cli.main` picks the command and turns its errors into one
line and an exit code; the options are in :mod:`pkilesson._cli_parser`.
Here too, :func:`_cli_terms`: the library's wording in the command line's terms
(``--overwrite`` for ``overwrite=True``), for the output and for the errors
``main`` shows.
"""

from __future__ import annotations

import argparse
import stat
import sys
from pathlib import Path

from ._catalog import _, ngettext, tr
from .pki._time import parse_instant
from .pki.certificates import load_certificate, load_certificates
from .errors import PkiLessonError
from ._cli_parser import build_parser
from .pki.keys import describe_key_type
from .pki.artifacts import Settings
from .verify.workflow import run_workflow
from .pki.workspace import write_file


def _lab(args: argparse.Namespace) -> int:
    from .verify.defects import DEFECTS, make_defect
    from .verify.matrix import LAB_FILES, verdict_matrix, write_lab_files

    if args.list:
        if args.defect or args.output or args.json:
            build_parser().error(_("--list takes no defect, -o or --json"))
        for name, defect in DEFECTS.items():
            print(f"{name}  {tr(defect.title)}")
        return 0
    if not args.defect:
        build_parser().error(_("name a defect (pkilesson lab --list shows them)"))
    if args.defect not in DEFECTS:
        raise PkiLessonError(_("There is no defect {name!r} in the lab.").format(name=args.defect),
                             _("run 'pkilesson lab --list' and pick one of the names it shows."))
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
        print("\n" + _("The files, in {folder}/ (each command above runs there):").format(folder=args.output))
        for name in files:
            print(f"  {name}  {tr(LAB_FILES[name])}")
    return 0


def _doctor(args: argparse.Namespace) -> int:
    from .lessons.doctor import doctor

    report = doctor()
    if args.json:
        import json

        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(report)
    return 0 if report.ok else 1


def _pack(args: argparse.Namespace) -> int:
    from .pki.pack import write_pack

    packed = write_pack(args.directory, args.output, notebooks=False if args.no_notebooks else args.notebooks,
                        overwrite=args.overwrite)
    if packed.warning:
        print("pkilesson: " + _("warning: {message}").format(message=packed.warning), file=sys.stderr)
    print(_("wrote {file} (mode 0600): {contents}").format(file=args.output, contents=packed))
    return 0


def _unpack(args: argparse.Namespace) -> int:
    from .pki.pack import unpack

    print(unpack(args.archive, args.directory, notebooks=args.notebooks))
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
        keys = _("{keys} keys; the CA's key: {ca_key}").format(keys=keys, ca_key=describe_key_type(settings.ca_key))
    else:
        keys = _("{keys} keys").format(keys=keys)
    print(_("Workspace {folder}  ({keys})").format(folder=result.workspace.path, keys=keys))
    for step in result.steps:
        print("\n" + _("Step {number}: {title}").format(number=step.number, title=step.title))
        for name in step.files:
            path = result.workspace.path / name
            mode = stat.S_IMODE(path.stat().st_mode)
            print("  " + _("wrote {file}  (mode {mode:04o})").format(file=name, mode=mode))
        _print_commands(_("source recipe (as the source runs it):"), step.source)
        _print_commands(_("same result with openssl (paste into a shell, in the workspace folder):"), step.ours)
        if step.number == 4:
            print(f"  server-cert.pem: {result.server_verdict}")
            print(f"  client-cert.pem: {result.client_verdict}")
    print("\n" + (_("Both certificates verify against ca-cert.pem.") if result.ok else _("Verification FAILED.")))
    return 0 if result.ok else 1


def _verify(args: argparse.Namespace) -> int:
    # Read to verify: a certificate with a malformed extension is the verifier's to refuse.
    certificate = load_certificate(args.certificate, to_verify=True)
    roots = [root for path in args.ca for root in load_certificates(path, to_verify=True)]
    intermediates = [c for path in args.untrusted for c in load_certificates(path, to_verify=True)]
    now = parse_instant(args.at) if args.at else None
    from .verify.explain import explain

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
        from .pki.revocation import check_revocation, load_crl

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
            print("  " + _("revocation (pyca/cryptography's verifier checks none; pkilesson's check of {crl}): "
                           "{result}").format(crl=args.crl, result=revocation))
            if revocation.fix:
                print("  " + _("Fix: {fix}").format(fix=revocation.fix))
    ok = report.valid and (revocation is None or revocation.revoked is False)
    return 0 if ok else 1


def _print_verdict(path: Path, report, every_check: bool) -> None:
    """The verifier's own words first, then pkilesson's explanation, labelled as ours."""
    from .verify.explain import verifier_version

    verdict = report.verdict
    if verdict.valid:
        print(f"{path}: {verdict}")
    else:
        what = _("invalid for server {name}").format(name=verdict.peer_name) if verdict.purpose == "server" \
            else _("invalid for client")
        print(f"{path}: {what}")
        # Translators: {reason} is the verifier's own words, quoted as it gives them (in English).
        print("  " + _("{verifier} says: {reason}").format(verifier=verifier_version(), reason=verdict.reason))
    if every_check:
        print(report)
        return
    failures = report.failures
    if failures:
        first = failures[0]
        print("  " + _("pkilesson's explanation: the check it refused on is {check} ({field}: {detail}). "
                       "Fix: {fix}").format(check=first.name, field=first.field, detail=first.detail, fix=report.fix))
        for other in failures[1:]:
            print("  " + _("pkilesson's explanation: {check} fails too ({field}: {detail}). Fix: {fix}").format(
                check=other.name, field=other.field, detail=other.detail, fix=other.fix))
    for warning in report.warnings:
        print("  " + _("warning (pkilesson): {warning}").format(warning=warning))


def _mtls(args: argparse.Namespace) -> int:
    from .pki.keys import load_private_key
    from .pki.revocation import load_crl
    from .tls.loopback import Party, handshake
    from .pki.artifacts import load_artifacts

    if args.client_key and not args.client_cert:
        raise PkiLessonError(_("--client-key was given without --client-cert."), _("give both, or neither."))
    if args.client_cert and not args.client_key:
        raise PkiLessonError(_("--client-cert was given without --client-key."), _("give the client's key too."))
    if args.client_program != "python":
        return _mtls_program(args)
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
        print(_("handshake accepted by both sides: {version}, {cipher}").format(version=report.client.version,
                                                                                 cipher=report.client.cipher))
        print("  " + _("the server saw the client {subject}").format(subject=report.server.peer_subject))
        print("  " + _("the client saw the server {subject} (checked for {host})").format(
            subject=report.client.peer_subject, host=args.host))
    else:
        print(_("handshake refused: {reason}").format(reason=report.reason()))
    return 0 if report.ok else 1


def _mtls_program(args: argparse.Namespace) -> int:
    """The same handshake with a real browser or curl as the client (pkilesson.verify.browser)."""
    from .verify import browser
    from .pki.keys import load_private_key
    from .tls.loopback import Party, party_of
    from .pki.artifacts import load_artifacts

    if args.crl or args.json:
        raise PkiLessonError(_("--crl and --json are for the Python client, not --client {client}.").format(
            client=args.client_program), _("leave them out, or use --client python."))
    if args.host != "localhost":
        raise PkiLessonError(_("--client {client} connects to localhost only.").format(client=args.client_program),
                             _("leave --host out."))
    if args.client_program == "chromium":
        if args.no_client_cert:
            client = party_of(load_artifacts(args.directory), "client", with_certificate=False)
        elif args.client_cert:
            client = Party(tuple(load_certificates(args.client_cert)), load_private_key(args.client_key), ())
        else:
            client = None
        report = browser.chromium_mtls(args.directory, client=client)
    else:
        cert = None if args.no_client_cert else str(Path(args.client_cert).resolve()) if args.client_cert \
            else "client-cert.pem"
        key = None if args.no_client_cert else str(Path(args.client_key).resolve()) if args.client_key \
            else "client-key.pem"
        report = browser.curl_mtls(args.directory, cert=cert, key=key)
    if isinstance(report, browser.NotRun):
        raise PkiLessonError(str(report), _("install it, or use --client python."))
    print(report)
    return 0 if report.accepted else 1


def _serve(args: argparse.Namespace) -> int:
    from .tls.servers import serve_main

    return serve_main(args.kind, args.directory, port=args.port, crl=args.crl)


def _revoke(args: argparse.Namespace) -> int:
    from cryptography import x509

    from .pki.revocation import CRL_FILE, revoke

    crl = revoke(args.directory, args.certificate, reason=args.reason, days=args.days)
    number = crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
    print(_("revoked {certificate}: {crl} now lists {count} certificate(s), CRL number {number}, next update "
            "{next_update}Z").format(certificate=args.certificate, crl=args.directory / CRL_FILE, count=len(list(crl)),
                                     number=number, next_update=f"{crl.next_update_utc:%Y-%m-%d %H:%M}"))
    return 0


def _inspect(args: argparse.Namespace) -> int:
    import json

    from .decoding.decode import decode_all  # imported here: the ASN.1 modules load in tens of ms

    now = parse_instant(args.at) if args.at else None
    items = decode_all(args.file, now=now, issuer=args.issuer)
    if args.json:
        dicts = [item.to_dict(asn1=args.asn1) for item in items]
        data = dicts[0] if len(dicts) == 1 else {"type": "bundle", "count": len(dicts), "items": dicts}
        print(json.dumps(data, indent=2))
        return 0
    for number, item in enumerate(items, 1):
        if len(items) > 1:
            print(("" if number == 1 else "\n") + _("== {file}: block {number} of {count} (a bundle) ==").format(
                file=args.file, number=number, count=len(items)))
        print(_cli_terms(str(item)))
        if args.asn1:
            size = len(item.asn1.data)
            print(ngettext("DER tree ({count} byte):", "DER tree ({count} bytes):", size).format(count=size))
            print(item.asn1)
    return 0


def _diagram(args: argparse.Namespace) -> int:
    from .draw.diagrams import chain_diagram, mtls_diagram, workspace_diagram  # imported here: the CLI starts lean

    for option, kind in (("step", "workspace"), ("role", "chain"), ("host", "mtls")):
        if getattr(args, option) is not None and args.kind != kind:
            build_parser().error(_("--{option} is for --kind {kind}").format(option=option, kind=kind))
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
    print(_("wrote {file}: {title}").format(file=args.output, title=diagram.title))
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
