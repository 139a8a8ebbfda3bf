"""``openssl`` commands as a terminal shows them, for lessons 01 and 02: a :class:`Transcript` (the
command, what it printed, its exit status), :func:`run_openssl` that makes one, and
:func:`openssl_config_section` (a section of the CLI's configuration file).

:mod:`pkilesson.lessons.lesson` re-exports them: the notebooks call ``lesson.run_openssl``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Union

from .._catalog import _
from ..pki.openssl import openssl_path
from ._lab import LAB

__all__ = ["Transcript", "run_openssl", "openssl_config_section"]


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
            lines.append(_not_run())
        else:
            lines.append(_("(exit status {code}: {outcome})").format(code=self.returncode, outcome=self._outcome()))
        return "\n".join(lines)

    def _outcome(self) -> str:
        return _("success") if self.ok else _("failure")

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
            lines.append(_not_run())
        else:
            lines.append(_("{mark} exit status {code}: {outcome}").format(mark="✓" if self.ok else "✗", code=self.returncode,
                                                                          outcome=self._outcome()))
        page = f'<pre class="pkilesson-transcript">{_html.escape(chr(10).join(lines))}</pre>'
        if stack:
            summary = _("OpenSSL's own error stack ({count} lines: where inside OpenSSL it stopped)").format(count=len(stack))
            page += (f"<details><summary>{_html.escape(summary, quote=False)}</summary>"
                     f'<pre>{_html.escape(chr(10).join(stack))}</pre></details>')
        return page


def _not_run() -> str:
    return _("(The openssl command is not installed here: this command was shown, not run.)")


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
            return _("(The openssl command is not installed here: there is no configuration file to show.)")
        path = os.path.join(found.group(1), "openssl.cnf")
    try:
        text = Path(path).read_text(errors="replace")
    except OSError as exc:
        return _("(Cannot read {path}: {reason}.)").format(path=path, reason=exc.strerror)
    lines, inside = [], False
    for line in text.splitlines():
        header = re.match(r"\s*\[\s*([^\]]+?)\s*\]", line)
        if header:
            inside = header.group(1) == section
            continue
        if inside and line.strip():
            lines.append(line.rstrip())
    if not lines:
        return _("({path} has no section [ {section} ].)").format(path=path, section=section)
    return "\n".join([_("# {path}, section [ {section} ]").format(path=path, section=section), *lines])
