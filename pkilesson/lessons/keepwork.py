"""Download my lab / Restore: the learner keeps their work when a Binder session ends, and brings it back.

>>> from pkilesson.lessons.keepwork import keep_work
>>> keep_work()          # in a lesson's closing section: two buttons

**Download my lab** packs ``lab/`` (keys included) and the notebooks of the
lesson's folder, as last saved, with :func:`pkilesson.pki.pack.pack`, then
shows a link to save the archive: an ``<a download>`` whose address is the
archive itself (a ``data:`` URL), so the browser saves it from the page,
with nothing served by the Jupyter server: it works the same in JupyterLab
and on Binder. The link is made when the button is pressed, so it holds the
work as it is then.

**Restore** takes the archive back (ipywidgets' ``FileUpload``) and
unpacks it with :func:`pkilesson.pki.pack.unpack`: the workspace into ``lab/``,
which must be absent or empty (unpacking never overwrites), and the saved
notebooks into a new folder named after the archive
(``lab-20261130-1015-notebooks/``), beside the lessons, since the lessons'
own notebooks are open where they are. The lessons then go on from the
restored ``lab/``; the restored notebooks show the learner's answers and
outputs as they were.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import re
from pathlib import Path
from typing import Optional, Union

from .._catalog import _, ngettext
from ..errors import PkiLessonError

__all__ = ["KeepWork", "keep_work"]

_ERROR = "var(--jp-error-color1, #c62828)"
_GOOD = "var(--jp-success-color1, #2e7d32)"


def _error_html(exc: PkiLessonError) -> str:
    fix = "<div>" + html.escape(_("Fix: {fix}")).format(fix=html.escape(exc.fix)) + "</div>" if exc.fix else ""
    return f"<div style='color: {_ERROR}; font-weight: bold'>{html.escape(exc.problem)}</div>{fix}"


def _files(number: int) -> str:
    return ngettext("{count} file", "{count} files", number).format(count=number)


def _notebooks(number: int) -> str:
    return ngettext("{count} notebook", "{count} notebooks", number).format(count=number)


def _keys(number: int) -> str:
    return ngettext("{count} private key", "{count} private keys", number).format(count=number)


def _size(count: int) -> str:
    if count < 1024 * 1024:
        return _("{size} KB").format(size=f"{count / 1024:.0f}")
    return _("{size} MB").format(size=f"{count / 1024 / 1024:.1f}")


class KeepWork:
    """The two buttons and what they say; :func:`keep_work` makes one.

    Attributes:
        workspace: the workspace folder (``lab``).
        notebooks: the folder whose notebooks are packed (the lesson's own, ``.``).
        download: the *Download my lab* button; its click fills :attr:`link`.
        upload: the *Restore* ``FileUpload``; a file given to it is unpacked at once.
        link: the HTML of the link to save the archive, with the warning about the keys in it.
        status: what the last Restore did, or why it refused.
    """

    def __init__(self, workspace: Union[str, Path] = "lab", notebooks: Union[str, Path] = ".") -> None:
        import ipywidgets as w

        self.workspace, self.notebooks = Path(workspace), Path(notebooks)
        self.download = w.Button(description=_("Download my lab"), icon="download",
                                 tooltip=_("pack {folder}/ and the notebooks here into one .zip file").format(
                                     folder=self.workspace),
                                 layout=w.Layout(width="auto"))
        self.upload = w.FileUpload(accept=".zip", multiple=False, description=_("Restore my lab"), icon="upload",
                                   tooltip=_("give the .zip file saved with Download my lab"),
                                   layout=w.Layout(width="auto"))
        intro = w.HTML(
            "<div class='pkilesson-keepwork'>"
            + _("<b>Keep your work.</b> <i>Download my lab</i> puts <code>{folder}/</code> (your keys included) and "
                "these notebooks, as last saved (save with Ctrl+S first), in one .zip file; <i>Restore my lab</i> "
                "brings them back in a new session. A Binder session forgets everything after some idle minutes.")
            .format(folder=html.escape(str(self.workspace))) + "</div>")
        self.link, self.status = w.HTML(), w.HTML()
        self.download.on_click(self.make_link)
        self.upload.observe(self._uploaded, names="value")
        self.widget = w.VBox([intro, w.HBox([self.download, self.upload]), self.link, self.status])

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def make_link(self, _button=None) -> None:
        """Pack now, and show the link that saves the archive (what *Download my lab* does)."""
        from ..pki.pack import pack

        self.status.value = ""
        try:
            packed = pack(self.workspace, notebooks=self.notebooks)
        except PkiLessonError as exc:
            self.link.value = _error_html(exc)
            return
        name = f"{self.workspace.absolute().name}-{dt.datetime.now():%Y%m%d-%H%M}.zip"
        address = "data:application/zip;base64," + base64.b64encode(packed.data).decode("ascii")
        warning = ("<div>" + _("<b>Careful:</b> {warning}.").format(warning=html.escape(packed.warning)) + "</div>"
                   if packed.warning else "")
        left = ("<div>" + _("Left out: {files}.").format(files=html.escape("; ".join(packed.skipped))) + "</div>"
                if packed.skipped else "")
        save = _("Save {name}").format(name=html.escape(name))
        what = _("({size}: {files} of {folder}/, {notebooks})").format(
            size=_size(len(packed.data)), files=_files(len(packed.files)), folder=html.escape(str(self.workspace)),
            notebooks=_notebooks(len(packed.notebooks)))
        self.link.value = (
            f"<div class='pkilesson-download'><a download='{html.escape(name, quote=True)}' href='{address}' "
            f"style='color: var(--jp-content-link-color, #0d47a1); text-decoration: underline; font-weight: bold'>"
            f"{save}</a> {what}{warning}{left}</div>")

    def _uploaded(self, change) -> None:
        files = change["new"]
        if not files:
            return
        given = files[0]
        self.restore(bytes(given["content"]), given.get("name") or "lab.zip")
        self.upload.value = ()  # the same file can be given again

    def restore(self, data: bytes, name: str = "lab.zip") -> Optional[object]:
        """Unpack the archive ``data`` (what *Restore my lab* does): the workspace, then the notebooks beside it."""
        from ..pki.pack import unpack

        stem = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(name).stem).strip(".-") or "lab"
        books = self.notebooks / f"{stem}-notebooks"
        try:
            there = sorted(p.name for p in self.workspace.iterdir()) if self.workspace.is_dir() else []
        except OSError:
            there = []
        if there:  # unpack refuses too; here, the fix in the file browser's words
            self.status.value = _error_html(PkiLessonError(
                _("{folder}/ already holds files ({files}): restoring never overwrites them; nothing was written.")
                .format(folder=self.workspace, files=", ".join(there[:3]) + (", ..." if len(there) > 3 else "")),
                _("rename {folder} in the file browser (right-click, Rename; e.g. to {new}), then give the archive "
                  "to Restore my lab again.").format(folder=self.workspace, new=f"{self.workspace.name}-new")))
            return None
        try:
            done = unpack(data, self.workspace, notebooks=books)
        except PkiLessonError as exc:
            self.status.value = _error_html(exc)
            return None
        notebooks = (" " + _("Your notebooks, as you saved them, are in <code>{folder}/</code>: open one there to "
                             "see your answers.").format(folder=html.escape(str(books))) if done.notebooks else "")
        restored = _("<b>Restored</b> {files} into <code>{folder}/</code> ({keys}, mode 0600).").format(
            files=_files(len(done.files)), folder=html.escape(str(self.workspace)), keys=_keys(len(done.keys)))
        self.status.value = (
            f"<div style='color: {_GOOD}'>{restored}</div>"
            "<div>" + _("The lessons go on from them.") + f"{notebooks}</div>")
        return done


class _NoWidgets:
    """What :func:`keep_work` shows without ipywidgets: the two commands that do the same."""

    def __init__(self, workspace: Path) -> None:
        self.workspace = workspace

    def __str__(self) -> str:
        return _("ipywidgets is not installed, so there is no Download button here: in a terminal, "
                 "'pkilesson pack {folder} -o lab.zip' keeps your work and 'pkilesson unpack lab.zip {folder}' "
                 "restores it (pip install ipywidgets for the buttons).").format(folder=self.workspace)

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(str(self))}</p>"


def keep_work(workspace: Union[str, Path] = "lab", notebooks: Union[str, Path] = "."):
    """The *Download my lab* and *Restore my lab* buttons for ``workspace`` and the notebooks in ``notebooks``."""
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return _NoWidgets(Path(workspace))
    return KeepWork(workspace, notebooks)
