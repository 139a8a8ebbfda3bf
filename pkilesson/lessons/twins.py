"""Twin paths: the source's files (made by its own ``openssl`` commands) beside pkilesson's.

:func:`~pkilesson.lessons.lesson.run_source_step` runs the source document's commands
in ``lab/source/`` when the ``openssl`` CLI is installed. These helpers put
what they made beside what pkilesson made, field by field. Without the CLI
there is no source file to show: each helper then returns a :class:`NotRun`
note that says so, instead of failing, so that a lesson still reads through.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from typing import Optional, Union

from .._catalog import _
from ..decoding.compare import Comparison, compare
from ..decoding.decode import Decoded, decode
from .lesson import SourceStep, file_mode

__all__ = ["NotRun", "source_decoded", "source_compared", "source_file_mode", "source_explained", "source_chain_diagram"]


@dataclass(frozen=True)
class NotRun:
    """Stands for a source file that does not exist because the source's commands did not run."""

    name: str

    def __str__(self) -> str:
        return _("(No {file} from the source's commands: the openssl command is not installed here, "
                 "so they were shown, not run.)").format(file=self.name)

    def _repr_html_(self) -> str:
        return f'<div class="pkilesson-not-run" style="color: #757575; font-style: italic">{html.escape(str(self))}</div>'


def _path(source: SourceStep, name: str):
    if not isinstance(source, SourceStep):
        from ..errors import PkiLessonError

        raise PkiLessonError(
            _("Expected the result of lesson.run_source_step(...), got {type}.").format(type=type(source).__name__),
            _("pass source = lesson.run_source_step(step)."),
        )
    path = source.folder / name
    return path if source.ran and path.is_file() else None


def source_decoded(source: SourceStep, name: str, *, now: Optional[dt.datetime] = None) -> Union[Decoded, NotRun]:
    """The source's file ``name`` (e.g. ``"client-cert.pem"``) decoded, or a :class:`NotRun` note."""
    path = _path(source, name)
    return decode(path, now=now) if path is not None else NotRun(name)


def source_compared(
    source: SourceStep, name: str, ours, *, now: Optional[dt.datetime] = None
) -> Union[Comparison, NotRun]:
    """The source's file ``name`` (left) beside ``ours`` (right), field by field, or a :class:`NotRun` note."""
    path = _path(source, name)
    return compare(path, ours, now=now) if path is not None else NotRun(name)


def source_file_mode(source: SourceStep, name: str) -> str:
    """The permission bits of the source's file ``name`` (``0644`` for its keys under the usual umask)."""
    path = _path(source, name)
    return file_mode(path) if path is not None else str(NotRun(name))


def source_explained(
    source: SourceStep, role: str, *, host: Optional[str] = None, now: Optional[dt.datetime] = None
):
    """:func:`~pkilesson.verify.explain.explain` on the source's ``role`` certificate (``"server"`` checked
    for ``host``, ``"client"`` for client authentication) against the source's CA, or a :class:`NotRun` note."""
    from ..pki.certificates import load_certificate
    from ..verify.explain import explain

    leaf, ca = _path(source, f"{role}-cert.pem"), _path(source, "ca-cert.pem")
    if leaf is None or ca is None:
        return NotRun(f"{role}-cert.pem")
    return explain(load_certificate(leaf), [load_certificate(ca)], host=host, client=role == "client", now=now)


def source_chain_diagram(source: SourceStep, role: str, *, now: Optional[dt.datetime] = None):
    """:func:`~pkilesson.draw.diagrams.chain_diagram` of the source's ``role`` certificate, or a :class:`NotRun` note."""
    from ..draw.diagrams import chain_diagram

    if _path(source, f"{role}-cert.pem") is None or _path(source, "ca-cert.pem") is None:
        return NotRun(f"{role}-cert.pem")
    return chain_diagram(source.folder, purpose=role, now=now)
