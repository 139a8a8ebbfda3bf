"""The lessons' widgets: set a step's choices, press the button, see the new artifacts.

Each panel only maps widget values to a :class:`~pkilesson.lessons.lesson.Choices`
and calls the library (:func:`~pkilesson.lessons.lesson.make_step`,
:func:`~pkilesson.decoding.decode`, the diagrams); the views update in place. A
choice that cannot work (an empty CN, a name that is not a DNS name, a
validity that outlives the CA...) shows our one-line error in the panel,
never a traceback.

>>> from pkilesson.lessons.widgets import StepPanel
>>> panel = StepPanel(1)                 # the CA, made with the default choices
>>> panel.controls["key_type"].value = "p256"
>>> panel.button.click()                 # what the learner's click does
>>> panel.result.choices.key_type
'p256'
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Mapping, Optional

import ipywidgets as w

from ..pki.authority import CertificateAuthority
from ..decoding.decode import Decoded, decode
from ..draw.diagrams import chain_diagram, workspace_diagram
from ..errors import PkiLessonError
from ..pki.keys import CA_KEY_TYPES, KEY_TYPES, describe_key_type
from .lesson import DEFAULT_CHOICES, Choices, StepResult, make_step
from ..verify.verification import Verdict, verify_certificate

__all__ = ["StepPanel", "VerifyPanel", "BreakItPanel", "ScenarioPanel", "ChainPanel"]

_TITLES = {1: "Step 1: the CA", 2: "Step 2: the server", 3: "Step 3: the client"}
_CN_EXAMPLES = {1: "the CA's name, e.g. Lab Root CA", 2: "the server's host name, e.g. localhost",
                3: "the client's name, e.g. client.localhost"}
_WIDE = w.Layout(width="28em")
_STYLE = {"description_width": "10.5em"}  # "CN (common name)" fits


def _error_html(exc: PkiLessonError) -> str:
    return (
        '<div class="pkilesson-error" style="color: var(--jp-error-color1, #c62828); font-weight: bold">'
        f"✗ {html.escape(exc.problem)}</div>"
        f'<div class="pkilesson-fix">Fix: {html.escape(exc.fix)}</div>'
    )


_STALE = ('<div class="pkilesson-stale-note" style="font-weight: bold">✗ Not updated: the last choices failed '
          "(the error above). Greyed below: the result of the choices before.</div>")


def _stale(view: w.HTML) -> None:
    """A view a failed click did not update: greyed, and saying so in words (colour is never the only sign)."""
    if not view.value or view.value.startswith('<div class="pkilesson-stale"'):
        return
    view.value = (f'<div class="pkilesson-stale">{_STALE}<div style="opacity: 0.5; filter: grayscale(1)" '
                  f'aria-disabled="true">{view.value}</div></div>')


def _svg_html(diagram) -> str:
    """The diagram's SVG inline, at its drawn size or scaled down to the notebook's width, then the
    diagram in words (folded). The diagrams are drawn narrow enough for their smallest text to stay
    at 10 px or more in JupyterLab's default layout."""
    import re

    from ..draw.render import words_html

    try:
        svg = diagram.svg()
    except PkiLessonError as exc:  # no renderer: the diagram's one clear error instead
        return _error_html(exc)
    svg = svg[svg.find("<svg"):]
    drawn = re.match(r'<svg width="([\d.]+)pt"', svg)
    if drawn:
        pixels = float(drawn.group(1)) * 4 / 3  # 1pt = 4/3 CSS px
        svg = f'<svg style="width: {pixels:.0f}px; max-width: 100%; height: auto"{svg[4:]}'
    words = words_html(diagram.description) if diagram.description else ""
    return f'<div class="pkilesson-diagram">{svg}{words}</div>'


def _at_fault_html(decoded: Decoded, path: str) -> str:
    """The fields stored at ``path`` or inside it (label, value, meaning), above their bytes."""
    from ..decoding._views import fields_html

    fields = [f for f in decoded.fields if f.path == path or f.path.startswith((path + ".", path + "["))]
    return fields_html(fields) if fields else ""


class _Panel:
    """What every panel shares: Jupyter displays its ``widget``."""

    widget: w.Widget

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


class StepPanel(_Panel):
    """Widgets for step 1 (the CA), 2 (the server) or 3 (the client).

    Attributes:
        controls: the widgets by name (``key_type``, ``country``,
            ``organization``, ``common_name``, ``sans``, ``days``,
            ``serial_mode``, ``serial``).
        button: "Generate": makes the step again from the controls' values.
        result: the last :class:`~pkilesson.lessons.lesson.StepResult` made.
        decoded: the certificate of ``result``, decoded.
        status, decoded_view, bytes_view, field, diagram_view: the output widgets.
    """

    def __init__(
        self,
        step: int,
        *,
        ca: Optional[CertificateAuthority] = None,
        earlier: Optional[Mapping] = None,
        choices: Optional[Choices] = None,
        now: Optional[dt.datetime] = None,
    ) -> None:
        if step not in _TITLES:
            raise PkiLessonError(f"There is no step {step!r} panel.", "use StepPanel(1), (2) or (3).")
        if step != 1 and ca is None:
            raise PkiLessonError(f"The step {step} panel needs the CA that signs.", "pass ca=prepare(step).ca.")
        self.step, self.ca, self.earlier, self.now = step, ca, dict(earlier or {}), now
        start = choices or DEFAULT_CHOICES[step]
        types = CA_KEY_TYPES if step == 1 else KEY_TYPES
        self.controls = {
            "key_type": w.Dropdown(
                options=[(describe_key_type(t), t) for t in types], value=start.key_type,
                description="key type", style=_STYLE, layout=_WIDE,
            ),
            "country": w.Text(value=start.country, description="C (country)", style=_STYLE, layout=_WIDE),
            "organization": w.Text(value=start.organization, description="O (organisation)", style=_STYLE, layout=_WIDE),
            "common_name": w.Text(value=start.common_name, description="CN (common name)", style=_STYLE, layout=_WIDE),
            "sans": w.Text(value=", ".join(start.sans), description="subjectAltName", style=_STYLE, layout=_WIDE,
                           placeholder="localhost, 127.0.0.1"),
            "days": w.BoundedIntText(value=start.days, min=1, max=36500, description="valid (days)", style=_STYLE),
            "serial_mode": w.ToggleButtons(options=["random", "fixed"], value="random" if start.serial is None else "fixed",
                                           description="serial", style=_STYLE),
            "serial": w.BoundedIntText(value=start.serial or 1, min=1, max=2**63 - 1, description="fixed serial",
                                       style=_STYLE),
        }
        if step == 1:  # its own Layout: the shared _WIDE one would hide every control that uses it
            self.controls["sans"].layout = w.Layout(width="28em", display="none")
        self.button = w.Button(description="Generate", button_style="primary", icon="refresh")
        self.button.on_click(self.generate)
        self.status = w.HTML()
        self.decoded_view = w.HTML()
        self.field = w.Dropdown(description="show bytes of", style=_STYLE, layout=w.Layout(width="40em"))
        self.field.observe(self._show_bytes, names="value")
        self.bytes_view = w.HTML()
        self.diagram_view = w.HTML()
        self.result: Optional[StepResult] = None
        self.decoded: Optional[Decoded] = None
        self.widget = w.VBox([
            w.HTML(f"<h3>{_TITLES[step]}: choose, then press Generate</h3>"),
            w.VBox(list(self.controls.values())),
            self.button,
            self.status,
            w.Accordion(children=[self.diagram_view, self.decoded_view, w.VBox([self.field, self.bytes_view])],
                        titles=("diagram", "decoded certificate", "bytes"), selected_index=0),
        ])
        self.generate()

    # -- reading the controls ---------------------------------------------------------------------
    def choices(self) -> Choices:
        """The controls' values as :class:`~pkilesson.lessons.lesson.Choices`."""
        c = self.controls
        sans = tuple(v.strip() for v in c["sans"].value.split(",") if v.strip()) if self.step != 1 else ()
        return Choices(
            key_type=c["key_type"].value,
            common_name=c["common_name"].value,
            country=c["country"].value,
            organization=c["organization"].value,
            sans=sans,
            days=int(c["days"].value),
            serial=int(c["serial"].value) if c["serial_mode"].value == "fixed" else None,
        )

    # -- the button ---------------------------------------------------------------------------------
    def generate(self, _button=None) -> None:
        """Make the step from the controls and update every view (an error goes to ``status``)."""
        try:
            if not self.controls["common_name"].value.strip():  # the panel cannot leave the CN out: say what to do
                raise PkiLessonError("The CN (common name) box is empty.",
                                     f"type a name in it: {_CN_EXAMPLES[self.step]}.")
            result = make_step(self.step, self.choices(), ca=self.ca, now=self.now)
            decoded = decode(result.certificate, now=self.now, issuer=result.ca.certificate)
        except PkiLessonError as exc:
            self.status.value = _error_html(exc)
            for view in (self.diagram_view, self.decoded_view, self.bytes_view):
                _stale(view)
            return
        self.result, self.decoded = result, decoded
        self.status.value = (
            f'<div class="pkilesson-status">Made {html.escape(result.role)}-key.pem'
            + (f", {html.escape(result.role)}-req.pem" if result.csr is not None else "")
            + f", {html.escape(result.role)}-cert.pem in memory: serial {result.certificate.serial_number:x}. "
            "(The files in lab/ are unchanged.)</div>"
        )
        self.decoded_view.value = decoded._repr_html_()
        options = [(f"{f.label}", f.path) for f in decoded.fields if f.path]
        self.field.unobserve(self._show_bytes, names="value")
        self.field.options = options
        self.field.value = options[0][1] if options else None
        self.field.observe(self._show_bytes, names="value")
        self._show_bytes()
        diagram = workspace_diagram(result.items(self.earlier), step=self.step, now=self.now)
        self.diagram_view.value = _svg_html(diagram)

    def _show_bytes(self, _change=None) -> None:
        if self.decoded is not None and self.field.value:
            self.bytes_view.value = self.decoded.highlight(self.field.value)

class VerifyPanel(_Panel):
    """Step 4: verify the server's or the client's certificate against the CA, and see the chain.

    ``items`` is what :func:`~pkilesson.lessons.lesson.prepare` gives for step 4.
    """

    def __init__(self, items: Mapping, *, now: Optional[dt.datetime] = None) -> None:
        self.items, self.now = dict(items), now
        self.controls = {
            "which": w.ToggleButtons(options=["server", "client"], value="server", description="certificate",
                                     style=_STYLE),
            "host": w.Text(value="localhost", description="host name", style=_STYLE, layout=_WIDE),
            "days_later": w.BoundedIntText(value=0, min=-36500, max=36500, description="days from now",
                                           style=_STYLE),
        }
        self.button = w.Button(description="Verify", button_style="primary", icon="check")
        self.button.on_click(self.verify)
        self.status = w.HTML()
        self.diagram_view = w.HTML()
        self.verdict: Optional[Verdict] = None
        self.widget = w.VBox([
            w.HTML("<h3>Step 4: verify a certificate against ca-cert.pem</h3>"),
            w.VBox(list(self.controls.values())), self.button, self.status, self.diagram_view,
        ])
        self.verify()

    def verify(self, _button=None) -> None:
        """Verify the chosen certificate and draw its chain with each check's result."""
        from ..pki._time import resolve_now

        c = self.controls
        which = c["which"].value
        try:
            at = resolve_now(self.now) + dt.timedelta(days=int(c["days_later"].value))
            leaf, root = self.items[(which, "cert")], self.items[("ca", "cert")]
            host = c["host"].value.strip() if which == "server" else None
            verdict = verify_certificate(leaf, [root], host=host, client=which == "client", now=at)
            diagram = chain_diagram([leaf, root], purpose=which, now=at)
        except PkiLessonError as exc:
            self.status.value = _error_html(exc)
            _stale(self.diagram_view)
            return
        except KeyError as exc:
            self.status.value = _error_html(PkiLessonError(f"No {exc.args[0][0]} certificate here.", "run prepare(4) first."))
            _stale(self.diagram_view)
            return
        self.verdict = verdict
        colour = "var(--jp-success-color1, #2e7d32)" if verdict.valid else "var(--jp-error-color1, #c62828)"
        self.status.value = (
            f'<div class="pkilesson-verdict" style="color: {colour}; font-weight: bold">'
            f"{'✓' if verdict.valid else '✗'} {which}-cert.pem at {at:%Y-%m-%d}: {html.escape(str(verdict))}</div>"
        )
        self.diagram_view.value = _svg_html(diagram)

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

        self.picker = w.Dropdown(options=[(d.title, name) for name, d in DEFECTS.items()], value=defect,
                                 description="defect", style=_STYLE, layout=w.Layout(width="40em"))
        self.button = w.Button(description="Break it", button_style="danger", icon="bolt")
        self.button.on_click(self.run)
        self.matrix_view, self.field_view, self.diagram_view, self.status = w.HTML(), w.HTML(), w.HTML(), w.HTML()
        self.matrix = None
        self.widget = w.VBox([
            w.HTML("<h3>Break it: one defect, every checker on this machine</h3>"),
            w.HBox([self.picker, self.button]), self.status, self.matrix_view,
            w.Accordion(children=[self.diagram_view, self.field_view], titles=("chain", "the field at fault"),
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
        self.status.value = f'<div class="pkilesson-status">Made from: {html.escape(broken.origin)}</div>'
        self.matrix_view.value = matrix._repr_html_()
        report = matrix.explanation
        chain = list(report.chain) if len(report.chain) > 1 else [broken.leaf]
        if len(chain) > 1:
            diagram = chain_diagram(chain, purpose=broken.purpose, checks=report.link_checks(), now=broken.at)
            self.diagram_view.value = _svg_html(diagram)
        else:
            self.diagram_view.value = "<p>No chain could be built: the issuer is not among the trusted certificates.</p>"
        if broken.field:
            decoded = decode(broken.at_fault, now=broken.at)
            self.field_view.value = _at_fault_html(decoded, broken.field) + decoded.highlight(broken.field)
        else:
            self.field_view.value = "<p>Nothing is wrong with this certificate.</p>"

class ScenarioPanel(_Panel):
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
            raise PkiLessonError(f"There is no scenario {start!r}.", f"pick one of {', '.join(SCENARIOS)}.")
        self.artifacts = artifacts
        self.scenario = w.Dropdown(options=[(s.title, name) for name, s in SCENARIOS.items()], value=start,
                                   description="scenario", style=_STYLE, layout=w.Layout(width="40em"))
        self.button = w.Button(description="Run the handshake", button_style="primary", icon="play",
                               layout=w.Layout(width="14em"))
        self.button.on_click(self.run)
        self.status = w.HTML()
        self.view = w.HTML()
        self.report = None
        self.widget = w.VBox([
            w.HTML("<h3>Mutual TLS: pick a scenario, then press Run</h3>"),
            self.scenario, self.button, self.status, self.view,
        ])
        self.run()

    def run(self, _button=None) -> None:
        """Run the chosen scenario for real and show both sides' reports (an error goes to ``status``)."""
        from .scenarios import SCENARIOS, both_sides, run_scenario

        name = self.scenario.value
        try:
            report = run_scenario(name, self.artifacts)
        except PkiLessonError as exc:
            self.status.value, self.view.value = _error_html(exc), ""
            return
        self.report = report
        self.status.value = (
            f'<div class="pkilesson-status"><b>{html.escape(SCENARIOS[name].title)}</b>: '
            f"{html.escape(SCENARIOS[name].shows)}</div>"
        )
        self.view.value = both_sides(report)._repr_html_()

class ChainPanel(_Panel):
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
        self.button = w.Button(description="Run the handshake", button_style="primary", icon="play",
                               layout=w.Layout(width="14em"))
        self.button.on_click(self.run)
        self.status = w.HTML()
        self.view = w.HTML()
        self.report = None
        self.widget = w.VBox([
            w.HTML("<h3>Chains: what the server sends, what the client trusts</h3>"),
            w.HBox([w.HTML("<b>the server sends</b> server-cert.pem, then:", layout=w.Layout(width="22em")),
                    *self.sends.values()]),
            w.HBox([w.HTML("<b>the client trusts</b>:", layout=w.Layout(width="22em")), *self.trusts.values()]),
            self.button, self.status, self.view,
        ])
        self.run()

    def run(self, _button=None) -> None:
        """Run the handshake with the chosen chain and trust store (an error goes to ``status``)."""
        from ..tls.chains import chain_handshake
        from .scenarios import both_sides

        sends = tuple(part for part, box in self.sends.items() if box.value)
        trusts = tuple(part for part, box in self.trusts.items() if box.value)
        try:
            report = chain_handshake(self.hierarchy, sends=sends, trusts=trusts)
        except PkiLessonError as exc:
            self.status.value, self.view.value = _error_html(exc), ""
            return
        self.report = report
        sent = ", ".join(["server-cert.pem", *(f"{p}-cert.pem" for p in sends)])
        trusted = ", ".join(f"{p}-cert.pem" for p in trusts)
        self.status.value = (
            f'<div class="pkilesson-status">Just now: the server sent {html.escape(sent)}; the client trusts '
            f"{html.escape(trusted)}.</div>"
        )
        self.view.value = both_sides(report)._repr_html_()
