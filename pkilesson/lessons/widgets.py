"""The lessons' widgets: set a step's choices, press the button, see the new artifacts.

Each panel only maps widget values to a :class:`~pkilesson.lessons.lesson.Choices`
and calls the library (:func:`~pkilesson.lessons.lesson.make_step`,
:func:`~pkilesson.decoding.decode`, the diagrams); the views update in place. A
choice that cannot work (an empty CN, a name that is not a DNS name, a
validity that outlives the CA...) shows our one-line error in the panel,
never a traceback.

The step panels (:class:`StepPanel`, :class:`VerifyPanel`) are here; the
panels of lessons 04 to 06 (:class:`BreakItPanel`, :class:`ScenarioPanel`,
:class:`ChainPanel`) are in :mod:`pkilesson.lessons._lesson_panels` and the
pieces every panel shares in :mod:`pkilesson.lessons._panel_parts`: import
them all from here.

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

from .._catalog import N_, _, tr
from ..pki.authority import CertificateAuthority
from ..decoding.decode import Decoded, decode
from ..draw.diagrams import chain_diagram, workspace_diagram
from ..errors import PkiLessonError
from ..pki.keys import CA_KEY_TYPES, KEY_TYPES, describe_key_type
from .lesson import DEFAULT_CHOICES, Choices, StepResult, make_step
from ..verify.verification import Verdict, verify_certificate
from ._lesson_panels import BreakItPanel, ChainPanel, ScenarioPanel
from ._panel_parts import _STYLE, _WIDE, _Panel, _error_html, _stale, _svg_html

__all__ = ["StepPanel", "VerifyPanel", "BreakItPanel", "ScenarioPanel", "ChainPanel"]

_TITLES = {1: N_("Step 1: the CA"), 2: N_("Step 2: the server"), 3: N_("Step 3: the client")}
_CN_EXAMPLES = {1: N_("the CA's name, e.g. Lab Root CA"), 2: N_("the server's host name, e.g. localhost"),
                3: N_("the client's name, e.g. client.localhost")}


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
            raise PkiLessonError(_("There is no step {step!r} panel.").format(step=step),
                                 _("use StepPanel(1), (2) or (3)."))
        if step != 1 and ca is None:
            raise PkiLessonError(_("The step {step} panel needs the CA that signs.").format(step=step),
                                 _("pass ca=prepare(step).ca."))
        self.step, self.ca, self.earlier, self.now = step, ca, dict(earlier or {}), now
        start = choices or DEFAULT_CHOICES[step]
        types = CA_KEY_TYPES if step == 1 else KEY_TYPES
        self.controls = {
            "key_type": w.Dropdown(
                options=[(describe_key_type(t), t) for t in types], value=start.key_type,
                description=_("key type"), style=_STYLE, layout=_WIDE,
            ),
            "country": w.Text(value=start.country, description=_("C (country)"), style=_STYLE, layout=_WIDE),
            "organization": w.Text(value=start.organization, description=_("O (organisation)"), style=_STYLE,
                                   layout=_WIDE),
            "common_name": w.Text(value=start.common_name, description=_("CN (common name)"), style=_STYLE,
                                  layout=_WIDE),
            "sans": w.Text(value=", ".join(start.sans), description="subjectAltName", style=_STYLE, layout=_WIDE,
                           placeholder="localhost, 127.0.0.1"),
            "days": w.BoundedIntText(value=start.days, min=1, max=36500, description=_("valid (days)"), style=_STYLE),
            "serial_mode": w.ToggleButtons(options=[(_("random"), "random"), (_("fixed"), "fixed")],
                                           value="random" if start.serial is None else "fixed",
                                           description=_("serial"), style=_STYLE),
            "serial": w.BoundedIntText(value=start.serial or 1, min=1, max=2**63 - 1, description=_("fixed serial"),
                                       style=_STYLE),
        }
        if step == 1:  # its own Layout: the shared _WIDE one would hide every control that uses it
            self.controls["sans"].layout = w.Layout(width="28em", display="none")
        self.button = w.Button(description=_("Generate"), button_style="primary", icon="refresh")
        self.button.on_click(self.generate)
        self.status = w.HTML()
        self.decoded_view = w.HTML()
        self.field = w.Dropdown(description=_("show bytes of"), style=_STYLE, layout=w.Layout(width="40em"))
        self.field.observe(self._show_bytes, names="value")
        self.bytes_view = w.HTML()
        self.diagram_view = w.HTML()
        self.result: Optional[StepResult] = None
        self.decoded: Optional[Decoded] = None
        self.widget = w.VBox([
            w.HTML("<h3>" + html.escape(_("{title}: choose, then press Generate").format(title=tr(_TITLES[step])),
                                        quote=False) + "</h3>"),
            w.VBox(list(self.controls.values())),
            self.button,
            self.status,
            w.Accordion(children=[self.diagram_view, self.decoded_view, w.VBox([self.field, self.bytes_view])],
                        titles=(_("diagram"), _("decoded certificate"), _("bytes")), selected_index=0),
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
                raise PkiLessonError(_("The CN (common name) box is empty."),
                                     _("type a name in it: {example}.").format(example=tr(_CN_EXAMPLES[self.step])))
            result = make_step(self.step, self.choices(), ca=self.ca, now=self.now)
            decoded = decode(result.certificate, now=self.now, issuer=result.ca.certificate)
        except PkiLessonError as exc:
            self.status.value = _error_html(exc)
            for view in (self.diagram_view, self.decoded_view, self.bytes_view):
                _stale(view)
            return
        self.result, self.decoded = result, decoded
        role = result.role
        files = f"{role}-key.pem" + (f", {role}-req.pem" if result.csr is not None else "") + f", {role}-cert.pem"
        made = _("Made {files} in memory: serial {serial}. (The files in lab/ are unchanged.)").format(
            files=files, serial=f"{result.certificate.serial_number:x}")
        self.status.value = f'<div class="pkilesson-status">{html.escape(made, quote=False)}</div>'
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
            "which": w.ToggleButtons(options=[(_("server"), "server"), (_("client"), "client")], value="server",
                                     description=_("certificate"), style=_STYLE),
            "host": w.Text(value="localhost", description=_("host name"), style=_STYLE, layout=_WIDE),
            "days_later": w.BoundedIntText(value=0, min=-36500, max=36500, description=_("days from now"),
                                           style=_STYLE),
        }
        self.button = w.Button(description=_("Verify"), button_style="primary", icon="check")
        self.button.on_click(self.verify)
        self.status = w.HTML()
        self.diagram_view = w.HTML()
        self.verdict: Optional[Verdict] = None
        self.widget = w.VBox([
            w.HTML("<h3>" + html.escape(_("Step 4: verify a certificate against ca-cert.pem"), quote=False) + "</h3>"),
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
            self.status.value = _error_html(PkiLessonError(_("No {role} certificate here.").format(role=exc.args[0][0]),
                                                           _("run prepare(4) first.")))
            _stale(self.diagram_view)
            return
        self.verdict = verdict
        colour = "var(--jp-success-color1, #2e7d32)" if verdict.valid else "var(--jp-error-color1, #c62828)"
        self.status.value = (
            f'<div class="pkilesson-verdict" style="color: {colour}; font-weight: bold">'
            + _("{mark} {file} at {date}: {verdict}").format(mark="✓" if verdict.valid else "✗", file=f"{which}-cert.pem",
                                                             date=f"{at:%Y-%m-%d}", verdict=html.escape(str(verdict)))
            + "</div>"
        )
        self.diagram_view.value = _svg_html(diagram)
