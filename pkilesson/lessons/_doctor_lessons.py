"""The doctor's table of the lessons: where each lesson uses a tool, and what it does without it."""

from __future__ import annotations

from dataclasses import dataclass

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


_DIAGRAMS = "each diagram shows its title and why it cannot be drawn"
_SHOWN = "the openssl commands are shown, not run"
_RECORDED = "the server is not started: the scenario shows what it did when recorded on another machine, and says so"
#: The Download/Restore widget (pkilesson.lessons.keepwork) in each lesson's closing section.
_KEEP = Use("ipywidgets", ("What comes next",), "the Download/Restore widget says to use pkilesson pack and unpack "
            "in a terminal instead")

#: The lessons and where each uses a tool (tests/test_doctor.py checks every section against the notebooks).
LESSONS: tuple[Lesson, ...] = (
    Lesson("00", "Overview", (
        Use("renderer", ("The picture: the source's schema, drawn from your files", "Mutual TLS at a glance"),
            _DIAGRAMS),
        Use("ipywidgets", ("Summary",), _KEEP.without),
    )),
    Lesson("01", "The certificate authority", (
        Use("openssl", ("The source's step 1, run for real", "Pitfall 1: keys that everyone can read",
                        "The source's CA certificate and ours, field by field",
                        "Pitfall 2: a CA certificate without `keyUsage`"),
            _SHOWN + "; the openssl configuration section is not shown"),
        Use("renderer", ("Saving: the files in `lab/`", "Your turn: the widget"), _DIAGRAMS),
        Use("ipywidgets", ("Your turn: the widget",), "the panel is not shown"),
        _KEEP,
    )),
    Lesson("02", "The server's certificate", (
        Use("openssl", ("The source's step 2, run for real", "Pitfall 1: a version 1 certificate, with no extensions",
                        "Pitfall 2: no subjectAltName", "Pitfall 4: a server named like its CA"), _SHOWN),
        Use("renderer", ("Saving: the files in `lab/`", "Your turn: the widget"), _DIAGRAMS),
        Use("ipywidgets", ("Your turn: the widget",), "the panel is not shown"),
        _KEEP,
    )),
    Lesson("03", "The client's certificate", (
        Use("openssl", ("The source's step 3, run for real", "The signing request", "Saving the client's files",
                        "Pitfall: without extendedKeyUsage, a client's certificate passes as a server's"),
            _SHOWN + "; the source's files, which they make, are missing"),
        Use("renderer", ("The same step with pkilesson", "The diagram"), _DIAGRAMS),
        Use("ipywidgets", ("The same step with pkilesson",), "the panel is not shown"),
        _KEEP,
    )),
    Lesson("04", "Verification", (
        Use("openssl", ("The source's step 4, run for real", "The same command on your files",
                        "A strict `openssl verify`", "The source's certificates through the same verifiers",
                        "\"Verify OK\" is not mutual authentication"),
            _SHOWN + "; the source's own certificates, which its openssl commands make, are missing"),
        Use("checkers", ("Break it yourself: one defect, every checker on this machine",
                         "Where the checkers disagree"),
            "the checker's column says 'not run' and names the package to install"),
        Use("renderer", ("Try it: the verify panel", "The source's certificates through the same verifiers",
                         "Break it yourself: one defect, every checker on this machine"), _DIAGRAMS),
        Use("ipywidgets", ("Try it: the verify panel", "Break it yourself: one defect, every checker on this machine"),
            "the panels are not shown"),
        _KEEP,
    )),
    Lesson("05", "Mutual TLS", (
        Use("openssl", ("The same server, seen by OpenSSL's own client", "7. The source recipe's certificates"),
            _SHOWN + "; the source recipe's handshakes do not run"),
        Use("checkers", ("The source's server certificate, asked of every checker",),
            "the checker's column says 'not run' and names the package to install"),
        Use("checker:chromium", ("A browser does mutual TLS",), "the browser's visits say 'not run' and why"),
        Use("curl", ("The same with curl",), "curl's requests say 'not run' and how to install it"),
        Use("renderer", ("Who holds what",), _DIAGRAMS),
        Use("ipywidgets", ("Try it: the scenario panel",), "the panel is not shown"),
        _KEEP,
    )),
    Lesson("06", "Going further", (
        Use("openssl", ("The CRL, decoded", "The server refuses the revoked laptop",
                        "Verification: the intermediate is given, not trusted",
                        "Part 3 · A private key protected by a passphrase", "What a guess costs"), _SHOWN),
        Use("renderer", ("Verification: the intermediate is given, not trusted", "Try it: the chain panel"),
            _DIAGRAMS),
        Use("ipywidgets", ("Try it: the chain panel",), "the panel is not shown"),
        _KEEP,
    )),
    Lesson("07", "Real servers: MariaDB and nginx", (
        Use("mariadb", ("Your client certificate", "Rule 1: `REQUIRE SSL`", "Rule 2: `REQUIRE X509`",
                        "Rule 3: `REQUIRE SUBJECT ... AND ISSUER ...`",
                        "Part 3 · The source's own files in the server they were written for"), _RECORDED),
        Use("pymysql", ("Your client certificate", "Part 3 · The source's own files in the server they were written for"),
            _RECORDED),
        Use("nginx", ("Verified, or not", "Allowed by name", "Revoked"), _RECORDED),
        Use("curl", ("Verified, or not", "Allowed by name", "Revoked"), _RECORDED),
        Use("openssl", ("Part 3 · The source's own files in the server they were written for",),
            "the source's files are not made: its MariaDB part shows the outcome recorded elsewhere, saying so"),
        Use("renderer", ("The picture: who verifies whom, and where the rule sits",), _DIAGRAMS),
        _KEEP,
    )),
)
