"""The panels of lessons 04 to 06: break a certificate and see every checker's verdict
(:class:`BreakItPanel`), run a mutual-TLS scenario (:class:`ScenarioPanel`), choose the chain the
server sends and what the client trusts (:class:`ChainPanel`).

:mod:`pkilesson.lessons.widgets` re-exports them: the notebooks import them from there.
"""

from __future__ import annotations

import html

import ipywidgets as w

from .._catalog import _, tr
from ..decoding.decode import decode
from ..draw.diagrams import chain_diagram
from ..errors import PkiLessonError
from ._panel_parts import _STYLE, _Panel, _at_fault_html, _error_html, _stale, _svg_html

__all__ = ["BreakItPanel", "ScenarioPanel", "ChainPanel"]


def _h3(text: str) -> str:
    return f"<h3>{html.escape(text, quote=False)}</h3>"


def _p(text: str) -> str:
    return f"<p>{html.escape(text, quote=False)}</p>"


class BreakItPanel(_Panel):
    """The break-it lab: pick a defect, see every checker's verdict, the failing field and the fix.

    Each press of "Break it" makes the chosen defect afresh
    (:func:`~pkilesson.verify.defects.make_defect`), runs every checker on the
    machine (:func:`~pkilesson.verify.matrix.verdict_matrix`), shows the decoded
    certificate with the field at fault highlighted in its bytes, and the
    chain with the failed check in red.
    """

    def __init__(self, defect: str = "no-san") -> None:
        from ..verify.defects import DEFECTS

        self.picker = w.Dropdown(options=[(tr(d.title), name) for name, d in DEFECTS.items()], value=defect,
                                 description=_("defect"), style=_STYLE, layout=w.Layout(width="40em"))
        self.button = w.Button(description=_("Break it"), button_style="danger", icon="bolt")
        self.button.on_click(self.run)
        self.matrix_view, self.field_view, self.diagram_view, self.status = w.HTML(), w.HTML(), w.HTML(), w.HTML()
        self.matrix = None
        self.widget = w.VBox([
            w.HTML(_h3(_("Break it: one defect, every checker on this machine"))),
            w.HBox([self.picker, self.button]), self.status, self.matrix_view,
            w.Accordion(children=[self.diagram_view, self.field_view], titles=(_("chain"), _("the field at fault")),
                        selected_index=0),
        ])
        self.run()

    def run(self, _button=None) -> None:
        """Make the chosen defect and update every view."""
        from ..verify.defects import make_defect
        from ..verify.matrix import verdict_matrix

        try:
            broken = make_defect(self.picker.value)
            matrix = verdict_matrix(broken)
        except PkiLessonError as exc:
            self.status.value = _error_html(exc)
            for view in (self.matrix_view, self.diagram_view, self.field_view):
                _stale(view)
            return
        self.matrix = matrix
        made = html.escape(_("Made from: {origin}").format(origin=tr(broken.origin)))
        self.status.value = f'<div class="pkilesson-status">{made}</div>'
        self.matrix_view.value = matrix._repr_html_()
        report = matrix.explanation
        chain = list(report.chain) if len(report.chain) > 1 else [broken.leaf]
        if len(chain) > 1:
            diagram = chain_diagram(chain, purpose=broken.purpose, checks=report.link_checks(), now=broken.at)
            self.diagram_view.value = _svg_html(diagram)
        else:
            self.diagram_view.value = _p(_("No chain could be built: the issuer is not among the trusted certificates."))
        if broken.field:
            decoded = decode(broken.at_fault, now=broken.at)
            self.field_view.value = _at_fault_html(decoded, broken.field) + decoded.highlight(broken.field)
        else:
            self.field_view.value = _p(_("Nothing is wrong with this certificate."))


class _HandshakePanel(_Panel):
    """A panel whose button runs a real handshake: a one-line status, then both sides' reports."""

    def _handshake_parts(self) -> None:
        """The button ("Run the handshake", which calls ``run``), ``status``, ``view``, and no ``report`` yet."""
        self.button = w.Button(description=_("Run the handshake"), button_style="primary", icon="play",
                               layout=w.Layout(width="14em"))
        self.button.on_click(self.run)
        self.status = w.HTML()
        self.view = w.HTML()
        self.report = None

    def _show(self, handshake, status) -> None:
        """Run ``handshake()`` and show ``status(report)`` (a line of HTML) and both sides' reports; an error
        (:class:`~pkilesson.errors.PkiLessonError`) goes to ``status`` instead."""
        from .scenarios import both_sides

        try:
            report = handshake()
        except PkiLessonError as exc:
            self.status.value, self.view.value = _error_html(exc), ""
            return
        self.report = report
        self.status.value = f'<div class="pkilesson-status">{status(report)}</div>'
        self.view.value = both_sides(report)._repr_html_()


class ScenarioPanel(_HandshakePanel):
    """Lesson 05: pick a mutual-TLS scenario, press Run: a real handshake on 127.0.0.1, what both sides saw.

    ``artifacts`` are the workspace's (:func:`~pkilesson.pki.artifacts.load_artifacts`);
    the scenarios are those of :data:`~pkilesson.lessons.scenarios.SCENARIOS`.

    Attributes:
        scenario: the dropdown (its value is a scenario's name).
        button: "Run the handshake".
        report: the last :class:`~pkilesson.tls.loopback.HandshakeReport`.
        status, view: the scenario's one-line summary, and both sides' reports.
    """

    def __init__(self, artifacts, *, start: str = "success") -> None:
        from .scenarios import SCENARIOS

        if start not in SCENARIOS:
            raise PkiLessonError(_("There is no scenario {name!r}.").format(name=start),
                                 _("pick one of {names}.").format(names=", ".join(SCENARIOS)))
        self.artifacts = artifacts
        self.scenario = w.Dropdown(options=[(tr(s.title), name) for name, s in SCENARIOS.items()], value=start,
                                   description=_("scenario"), style=_STYLE, layout=w.Layout(width="40em"))
        self._handshake_parts()
        self.widget = w.VBox([
            w.HTML(_h3(_("Mutual TLS: pick a scenario, then run the handshake"))),
            self.scenario, self.button, self.status, self.view,
        ])
        self.run()

    def run(self, _button=None) -> None:
        """Run the chosen scenario for real and show both sides' reports (an error goes to ``status``)."""
        from .scenarios import SCENARIOS, run_scenario

        name = self.scenario.value
        self._show(lambda: run_scenario(name, self.artifacts),
                   lambda report: _("<b>{title}</b>: {shows}").format(title=html.escape(tr(SCENARIOS[name].title)),
                                                                      shows=html.escape(tr(SCENARIOS[name].shows))))


class ChainPanel(_HandshakePanel):
    """Lesson 06: what the server sends after its certificate, what the client trusts; Run: a real handshake.

    ``hierarchy`` is a :class:`~pkilesson.pki.hierarchy.Hierarchy` (root →
    intermediate → server and client). The client always sends its full
    chain and the server trusts the root: the panel is about the server's
    chain and the client's trust store.

    Attributes:
        sends: {"intermediate": Checkbox, "root": Checkbox}: what the server sends after server-cert.pem.
        trusts: {"intermediate": Checkbox, "root": Checkbox}: the client's trust store.
        button: "Run the handshake".
        report: the last :class:`~pkilesson.tls.loopback.HandshakeReport`.
        status, view: the outcome in one line, and both sides' reports.
    """

    def __init__(self, hierarchy) -> None:
        from ..pki.hierarchy import CHAIN_PARTS

        self.hierarchy = hierarchy
        wide = w.Layout(width="auto")
        self.sends = {part: w.Checkbox(value=part == "intermediate", description=f"{part}-cert.pem", indent=False,
                                       layout=wide) for part in CHAIN_PARTS}
        self.trusts = {part: w.Checkbox(value=part == "root", description=f"{part}-cert.pem", indent=False,
                                        layout=wide) for part in CHAIN_PARTS}
        self._handshake_parts()
        self.widget = w.VBox([
            w.HTML(_h3(_("Chains: what the server sends, what the client trusts"))),
            w.HBox([w.HTML(_("<b>the server sends</b> server-cert.pem, then:"), layout=w.Layout(width="22em")),
                    *self.sends.values()]),
            w.HBox([w.HTML(_("<b>the client trusts</b>:"), layout=w.Layout(width="22em")), *self.trusts.values()]),
            self.button, self.status, self.view,
        ])
        self.run()

    def run(self, _button=None) -> None:
        """Run the handshake with the chosen chain and trust store (an error goes to ``status``)."""
        from ..tls.chains import chain_handshake

        sends = tuple(part for part, box in self.sends.items() if box.value)
        trusts = tuple(part for part, box in self.trusts.items() if box.value)
        sent = ", ".join(["server-cert.pem", *(f"{p}-cert.pem" for p in sends)])
        trusted = ", ".join(f"{p}-cert.pem" for p in trusts)
        said = _("Just now: the server sent {sent}; the client trusts {trusted}.").format(sent=sent, trusted=trusted)
        self._show(lambda: chain_handshake(self.hierarchy, sends=sends, trusts=trusts),
                   lambda report: html.escape(said))
