"""The doctor's table of the lessons: where each lesson uses a tool, and what it does without it."""

from __future__ import annotations

from dataclasses import dataclass

from .._catalog import N_

__all__ = ["LESSONS", "Lesson", "Use"]


@dataclass(frozen=True)
class Use:
    """Where a lesson uses one tool, and what happens there without it.

    ``tool``: a key of the report's tools (``openssl``, ``renderer``,
    ``ipywidgets``, ``curl``, ``mariadb``, ``nginx``, ``checker:NAME``
    for one column of the lab, ``checkers`` for all of them); ``sections``:
    the notebook's headings (``##`` or ``###``) where it is used.
    """

    tool: str
    sections: tuple[str, ...]
    without: str


@dataclass(frozen=True)
class Lesson:
    number: str
    title: str
    uses: tuple[Use, ...]


_DIAGRAMS = N_("each diagram shows its title and why it cannot be drawn")
_SHOWN = N_("the openssl commands are shown, not run")
_RECORDED = N_("the server is not started: the scenario shows what it did when recorded on another machine, and "
                "says so")
#: The Download/Restore widget (pkilesson.lessons.keepwork) in each lesson's closing section.
_KEEP = Use("ipywidgets", (N_("What comes next"),),
            N_("the Download/Restore widget says to use pkilesson pack and unpack in a terminal instead"))

#: The lessons and where each uses a tool (tests/test_doctor.py checks every section against the notebooks).
LESSONS: tuple[Lesson, ...] = (
    Lesson("00", N_("Overview"), (
        Use("renderer", (N_("The picture: the source's schema, drawn from your files"), N_("Mutual TLS at a glance")),
            _DIAGRAMS),
        Use("ipywidgets", (N_("Summary"),), _KEEP.without),
    )),
    Lesson("01", N_("The certificate authority"), (
        Use("openssl", (N_("The source's step 1, run for real"), N_("Pitfall 1: keys that everyone can read"),
                        N_("The source's CA certificate and ours, field by field"),
                        N_("Pitfall 2: a CA certificate without `keyUsage`")),
            N_("the openssl commands are shown, not run; the openssl configuration section is not shown")),
        Use("renderer", (N_("Saving: the files in `lab/`"), N_("Your turn: the widget")), _DIAGRAMS),
        Use("ipywidgets", (N_("Your turn: the widget"),), N_("the panel is not shown")),
        _KEEP,
    )),
    Lesson("02", N_("The server's certificate"), (
        Use("openssl", (N_("The source's step 2, run for real"),
                        N_("Pitfall 1: a version 1 certificate, with no extensions"), N_("Pitfall 2: no subjectAltName"), N_("Pitfall 4: a server named like its CA")), _SHOWN),
        Use("renderer", (N_("Saving: the files in `lab/`"), N_("Your turn: the widget")), _DIAGRAMS),
        Use("ipywidgets", (N_("Your turn: the widget"),), N_("the panel is not shown")),
        _KEEP,
    )),
    Lesson("03", N_("The client's certificate"), (
        Use("openssl", (N_("The source's step 3, run for real"), N_("The signing request"),
                        N_("Saving the client's files"),
                        N_("Pitfall: without extendedKeyUsage, a client's certificate passes as a server's")),
            N_("the openssl commands are shown, not run; the source's files, which they make, are missing")),
        Use("renderer", (N_("The same step with pkilesson"), N_("The diagram")), _DIAGRAMS),
        Use("ipywidgets", (N_("The same step with pkilesson"),), N_("the panel is not shown")),
        _KEEP,
    )),
    Lesson("04", N_("Verification"), (
        Use("openssl", (N_("The source's step 4, run for real"), N_("The same command on your files"),
                        N_("A strict `openssl verify`"), N_("The source's certificates through the same verifiers"),
                        N_("\"Verify OK\" is not mutual authentication")),
            N_("the openssl commands are shown, not run; the source's own certificates, which its openssl "
                "commands make, are missing")),
        Use("checkers", (N_("Break it yourself: one defect, every checker on this machine"),
                         N_("Where the checkers disagree")),
            N_("the checker's column says 'not run' and names the package to install")),
        Use("renderer", (N_("Try it: the verify panel"), N_("The source's certificates through the same verifiers"),
                         N_("Break it yourself: one defect, every checker on this machine")), _DIAGRAMS),
        Use("ipywidgets", (N_("Try it: the verify panel"),
                           N_("Break it yourself: one defect, every checker on this machine")),
            N_("the panels are not shown")),
        _KEEP,
    )),
    Lesson("05", N_("Mutual TLS"), (
        Use("openssl", (N_("The same server, seen by OpenSSL's own client"), N_("7. The source recipe's certificates")),
            N_("the openssl commands are shown, not run; the source recipe's handshakes do not run")),
        Use("checkers", (N_("The source's server certificate, asked of every checker"),),
            N_("the checker's column says 'not run' and names the package to install")),
        Use("checker:chromium", (N_("A browser does mutual TLS"),), N_("the browser's visits say 'not run' and why")),
        Use("curl", (N_("The same with curl"),), N_("curl's requests say 'not run' and how to install it")),
        Use("renderer", (N_("Who holds what"),), _DIAGRAMS),
        Use("ipywidgets", (N_("Try it: the scenario panel"),), N_("the panel is not shown")),
        _KEEP,
    )),
    Lesson("06", N_("Going further"), (
        Use("openssl", (N_("The CRL, decoded"), N_("The server refuses the revoked laptop"),
                        N_("Verification: the intermediate is given, not trusted"),
                        N_("Part 3 · A private key protected by a passphrase"), N_("What a guess costs")), _SHOWN),
        Use("renderer", (N_("Verification: the intermediate is given, not trusted"), N_("Try it: the chain panel")),
            _DIAGRAMS),
        Use("ipywidgets", (N_("Try it: the chain panel"),), N_("the panel is not shown")),
        _KEEP,
    )),
    Lesson("07", N_("Real servers: MariaDB and nginx"), (
        Use("mariadb", (N_("Your client certificate"), N_("Rule 1: `REQUIRE SSL`"), N_("Rule 2: `REQUIRE X509`"),
                        N_("Rule 3: `REQUIRE SUBJECT ... AND ISSUER ...`"),
                        N_("Part 3 · The source's own files in the server they were written for")), _RECORDED),
        Use("pymysql", (N_("Your client certificate"),
                        N_("Part 3 · The source's own files in the server they were written for")),
            _RECORDED),
        Use("nginx", (N_("Verified, or not"), N_("Allowed by name"), N_("Revoked")), _RECORDED),
        Use("curl", (N_("Verified, or not"), N_("Allowed by name"), N_("Revoked")), _RECORDED),
        Use("openssl", (N_("Part 3 · The source's own files in the server they were written for"),),
            N_("the source's files are not made: its MariaDB part shows the outcome recorded elsewhere, saying so")),
        Use("renderer", (N_("The picture: who verifies whom, and where the rule sits"),), _DIAGRAMS),
        _KEEP,
    )),
)
