"""Plain text (terminals) and HTML (Jupyter) for the decoded views.

A decoded artifact's HTML shows the learner's rows first (for whom, signed
by, valid from and until, what it may be used for, its key: a few rows in
plain words that fit one screen); every field with its meaning, the
signature opened and the bytes are each one click away, folded in a
``<details>`` of the same output. Long values (moduli, signatures,
fingerprints) show a readable prefix and open to the whole value, and long
tokens wrap, so nothing runs past the notebook's width.

The HTML inherits the notebook's colours: text uses ``inherit``, lines and
highlights use JupyterLab's CSS variables with translucent fallbacks, and
nothing sets a white or black background, so it reads in light and dark
themes alike. Every byte-view row carries ``data-path``, ``data-offset`` and
``data-length``; :func:`highlight` marks one node's bytes in the hex dump,
which is what a notebook widget calls when a field is chosen.

The code is split by view: the shared style and folding in :mod:`._html`, the
byte view in :mod:`._tree_view`, a comparison in :mod:`._compare_view`; this
module holds the decoded artifact's view and its signature opened, and gathers
the others' public names.
"""

from __future__ import annotations

import textwrap
from html import escape
from typing import Optional

from .._catalog import _, ngettext
from ._compare_view import comparison_html, comparison_summary_text, comparison_text
from ._html import STYLE, _VISIBLE, _wrap, shorten, value_html
from ._tree_view import branch_html, hex_dump_html, highlight, tree_html, tree_text
from ._warnings import plain_warning

__all__ = ["tree_text", "tree_html", "branch_html", "hex_dump_html", "highlight", "decoded_text", "decoded_html", "learner_table",
           "fields_table", "fields_html", "shorten", "value_html", "signature_text", "signature_html", "comparison_text",
           "comparison_html", "decoded_summary_text", "comparison_summary_text", "STYLE"]

_HASH_LABEL = {"sha256": "SHA-256", "sha384": "SHA-384", "sha512": "SHA-512", "sha1": "SHA-1"}


# -- the signature -----------------------------------------------------------------------


def _bytes(count: int) -> str:
    return ngettext("{count} byte", "{count} bytes", count).format(count=count)


def _verdict(check) -> str:
    if check.valid is None:
        prefix = _("not checked: {reason}").format(reason="")
        return _("not checked: {reason}").format(reason=check.said_reason.removeprefix(prefix))
    if check.valid:
        return _("VALID, checked with {key}").format(key=check.said_with)
    return _("INVALID ({reason}), checked with {key}").format(reason=check.said_reason, key=check.said_with)


def _signature_steps(check) -> list[tuple[str, str]]:
    steps = [
        (_("Algorithm"), _("{label}: {value}").format(label=check.algorithm, value=check.meaning)),
        (_("Signed bytes"), f"{check.signed_field}, {_bytes(len(check.signed_bytes))}"),
    ]
    if check.digest is not None:
        steps.append((_("{hash} of the signed bytes").format(
            hash=_HASH_LABEL.get(check.digest_algorithm, check.digest_algorithm)), check.digest.hex()))
    steps.append((_("Signature value"), _bytes(len(check.signature))))
    if check.rsa is not None:
        rsa = check.rsa
        steps.append(("s^e mod n", f"{rsa.encoded[:12].hex()} … {rsa.encoded[-(len(rsa.digest_info) or 12):].hex()}"))
        if rsa.padding_ok:
            steps.append((_("PKCS#1 v1.5 padding"), _("00 01, then {count} bytes ff, then 00: correct").format(
                count=rsa.padding_length)))
            steps.append(("DigestInfo", f"{rsa.digest_algorithm}: {rsa.recovered_digest.hex() if rsa.recovered_digest else '?'}"))
            same = rsa.recovered_digest == check.digest
            steps.append((_("Recovered digest"), _("equals the digest of the signed bytes") if same
                          else _("DIFFERS from the digest of the signed bytes")))
        else:
            steps.append((_("PKCS#1 v1.5 padding"),
                          _("absent: the block is noise, so this key did not make this signature")))
    if check.ecdsa_r is not None:
        steps.append(("r", f"{check.ecdsa_r:x}"))
        steps.append(("s", f"{check.ecdsa_s:x}"))
        steps.append((_("How it is checked"), _("from the digest, r, s and the public key the verifier computes a curve "
                                                "point; the signature is valid when its x coordinate, modulo the group "
                                                "order, equals r")))
    if check.algorithm.lower() == "ed25519":
        steps.append(("R, S", f"{check.signature[:32].hex()}, {check.signature[32:].hex()}"))
        steps.append((_("How it is checked"), _("S·B = R + k·A, where k = SHA-512(R ‖ A ‖ signed bytes) (RFC 8032): "
                                                "no separate digest")))
    steps.append((_("Result"), _verdict(check)))
    return steps


def signature_text(check) -> str:
    lines = [_("Signature:")]
    for label, value in _signature_steps(check):
        lines.append("  " + _("{label}: {value}").format(label=label, value=value))
    return "\n".join(lines)


def signature_html(check, wrap: bool = True) -> str:
    css = "ok" if check.valid else "bad" if check.valid is False else ""
    result = _("Result")
    rows = "".join(
        f'<tr><th>{escape(label)}</th><td class="{css if label == result else ""}">{value_html(value)}</td></tr>'
        for label, value in _signature_steps(check)
    )
    body = f"<table>{rows}</table>"
    return _wrap(body) if wrap else body


# -- a decoded artifact ----------------------------------------------------------------------


def _plain_warning(warning: str) -> Optional[str]:
    return plain_warning(warning)


def _summary_lines(decoded, plain: bool = False) -> list[str]:
    lines = [f"{decoded.title} ({_encoding(decoded)})"]
    lines += [f"! {(_plain_warning(w) or w) if plain else w}" for w in decoded.warnings]
    labels = [_("{label}:").format(label=row.label) for row in decoded.summary]
    width = max((len(label) for label in labels), default=0)
    for label, row in zip(labels, decoded.summary):
        lines.append(f"  {label:<{width}} {row.value}")
    return lines


def decoded_summary_text(decoded) -> str:
    """The title, the warnings (in plain words) and the learner's rows: a notebook's text beside the HTML."""
    if not decoded.summary:
        return decoded_text(decoded)
    return "\n".join(_summary_lines(decoded, plain=True) + [
        _("({count} fields: print() shows every one)").format(count=len(decoded.fields))])


#: French puts a space before : ; ! ? » and after «: a line must not start with the sign (nor end with «).
_KEEP_TOGETHER = ((" :", "\xa0:"), (" ;", "\xa0;"), (" !", "\xa0!"), (" ?", "\xa0?"), (" »", "\xa0»"), ("« ", "«\xa0"))


def _fill(text: str, **options) -> str:
    """``text`` wrapped to 96 columns, indented by 6, never breaking before a French : ; ! ? » or after «."""
    for space, kept in _KEEP_TOGETHER:
        text = text.replace(space, kept)
    wrapped = textwrap.fill(text, 96, initial_indent="      ", subsequent_indent="      ", **options)
    return wrapped.replace("\xa0", " ")


def decoded_text(decoded) -> str:
    """The learner's rows first, then every field with its meaning, then the signature opened."""
    lines = _summary_lines(decoded)
    if decoded.summary:
        lines.append(_("Every field:"))
    for item in decoded.fields:
        value = item.value if len(item.value) <= 100 else "\n" + _fill(item.value, break_on_hyphens=False)
        lines.append("  " + _("{label}: {value}").format(label=item.label, value=value))
        lines.append(_fill(item.meaning))
    if decoded.signature is not None:
        lines.append(signature_text(decoded.signature))
    return "\n".join(lines)


def _warning_html(warning: str) -> str:
    plain = _plain_warning(warning)
    if plain is None:
        return f'<div class="warn">{escape(warning)}</div>'
    why = escape(_("Why, and the fix"))
    return f'<div class="warn">{escape(plain)}<details><summary>{why}</summary>{escape(warning)}</details></div>'


def fields_table(fields) -> str:
    """Fields as table rows: label, value (long ones folded) and meaning; each row's ``data-path`` names its bytes."""
    rows = "".join(
        f'<tr data-path="{escape(f.path)}"><th>{escape(f.label)}</th>'
        f'<td>{value_html(f.value)}<div class="meaning">{escape(f.meaning)}</div></td></tr>'
        for f in fields
    )
    return f"<table>{rows}</table>"


def fields_html(fields) -> str:
    """Some fields of a decoded artifact (label, value, meaning) on their own."""
    return _wrap(fields_table(fields))


def learner_table(rows) -> str:
    """The learner's rows: a label and a value in plain words, each hint a tooltip."""
    body = "".join(
        f'<tr title="{escape(r.meaning)}"><th>{escape(r.label)}</th><td>{value_html(r.value, False, _VISIBLE)}</td></tr>'
        for r in rows
    )
    return f'<table class="learner">{body}</table>'


def decoded_html(decoded) -> str:
    """The learner's rows, then every field, the signature opened and the bytes, each folded."""
    warnings = "".join(_warning_html(w) for w in decoded.warnings)
    body = f"<h4>{escape(decoded.title)} <small>({escape(_encoding(decoded))})</small></h4>{warnings}"
    if decoded.summary:
        body += learner_table(decoded.summary)
        heading = _("Every field ({count}), with what each means").format(count=len(decoded.fields))
        body += f"<details><summary>{escape(heading)}</summary>{fields_table(decoded.fields)}</details>"
    else:  # no learner's rows: the fields themselves
        body += fields_table(decoded.fields)
    if decoded.signature is not None:
        opened = escape(_("The signature, opened"))
        body += (f"<details><summary>{opened}</summary>"
                 f"{signature_html(decoded.signature, wrap=False)}</details>")
    heading = _("The bytes (DER, {count} bytes)").format(count=len(decoded.asn1.data))
    body += f"<details><summary>{escape(heading)}</summary>{tree_html(decoded.asn1)}</details>"
    return _wrap(body)


def _encoding(decoded) -> str:
    """How the artifact came: PEM or DER (the formats' names), or a Python "object" (said in the messages' language)."""
    return _("object") if decoded.encoding == "object" else decoded.encoding
