"""The warnings a decoded view shows in RFC words, and their short plain-words forms.

Both the explained fields (which raise them) and the views (which show the plain form first, the full
warning one click away) use them, so they sit below both.
"""

from __future__ import annotations

from typing import Optional

from .._catalog import N_, _, tr

#: The warnings are written in English (``pkilesson inspect --json`` prints them so) and marked: ``tr(warning)``
#: gives them in the messages' language.
PRIVATE_KEY_WARNING = N_(
    "This file holds a PRIVATE key: whoever reads it can sign as its owner. pkilesson shows only its "
    "public half and fingerprint, never its private numbers; keep the file secret (mode 0600)."
)
CA_WITHOUT_KEY_USAGE = N_(
    "A CA certificate (basicConstraints CA:TRUE) without keyUsage: RFC 5280 §4.2.1.3 says a CA must include "
    "it, with keyCertSign, when the key checks signatures on certificates, and strict verifiers refuse every "
    "certificate this CA signs: "
    "pyca/cryptography, 'openssl verify -x509_strict' since OpenSSL 3.0 (error 92, 'CA cert does not include "
    "key usage extension') and Python 3.13's ssl.create_default_context() on OpenSSL 3.0 or later. Plain "
    "'openssl verify' does not check it. Fix: issue the CA certificate again with 'keyUsage = critical, "
    "keyCertSign, cRLSign' (pkilesson's ROOT_CA profile has it)."
)
NON_POSITIVE_SERIAL = N_("The serial number is not positive, which RFC 5280 forbids: verifiers may refuse it.")
#: Short plain-words forms of the warnings that speak RFC; the view shows the full warning one click away.
PLAIN_WARNINGS = {
    CA_WITHOUT_KEY_USAGE: N_("This CA does not list what its key may do (no key usage): strict checkers refuse "
                             "every certificate it signs."),
    NON_POSITIVE_SERIAL: N_("The serial number is zero or negative: checkers may refuse the certificate."),
}


def plain_warning(warning: str) -> Optional[str]:
    """The short plain-words form of ``warning`` (given in the messages' language), or None."""
    for full, plain in PLAIN_WARNINGS.items():
        if warning in (full, tr(full)):
            return tr(plain)
    return None


def file_mode_warning(path, mode: int) -> str:
    """The private-key warning of a key read from a file, with the file's actual mode."""
    shown = f"{mode:04o}"
    start = _("This file holds a PRIVATE key: whoever reads it can sign as its owner. pkilesson shows only its "
              "public half and fingerprint, never its private numbers.")
    if not mode & 0o044:
        return _("{start} Its mode is {mode}: only its owner can read it; keep it so.").format(start=start, mode=shown)
    if mode & 0o040 and mode & 0o004:
        readers = _("its group and every other user of the machine")
    else:
        readers = _("its group") if mode & 0o040 else _("every other user of the machine")
    return _("{start} Its mode is {mode}: {readers} can read it, not only its owner. "
             "Fix: chmod 600 {path} (owner only, as pkilesson writes keys).").format(
                 start=start, mode=shown, readers=readers, path=path)
