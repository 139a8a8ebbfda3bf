"""Certificate signing requests (CSR, PKCS#10, RFC 2986).

A CSR is what ``openssl req -new -key server-key.pem -out server-req.pem``
writes: the subject's name, its public key, the extensions it would like
(here the subjectAltName), all signed with the subject's *private* key. That
self-signature is the proof of possession: whoever made the CSR holds the
private key that matches the public key inside it.
"""

from __future__ import annotations

import os
from typing import Iterable, Mapping, Optional, Union

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from .certificates import _reason
from .._catalog import N_, _
from ..errors import InvalidRequestError, argument_error
from .keys import PrivateKey, as_private_key, signature_hash
from .names import parse_general_names, to_name
from .pem import Data, single_pem_block

__all__ = ["create_csr", "load_csr", "csr_to_pem", "check_csr_signature", "requested_sans", "as_csr"]

_CSR_LABELS = ("CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST")


def create_csr(
    key: PrivateKey,
    subject: Union[x509.Name, str, Mapping[str, str]],
    sans: Optional[Iterable] = None,
) -> x509.CertificateSigningRequest:
    """Make a CSR for ``subject``, signed with ``key``.

    ``subject`` is a name, a ``-subj`` string or a mapping of fields;
    ``sans`` lists the subjectAltName entries to request (``"localhost"``,
    ``"IP:127.0.0.1"``...). The source recipe requests none.
    """
    key = as_private_key(key)
    builder = x509.CertificateSigningRequestBuilder().subject_name(to_name(subject))
    names = parse_general_names(sans or [])
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    return builder.sign(key, signature_hash(key))


def load_csr(data: Data) -> x509.CertificateSigningRequest:
    """Read a CSR from PEM (or DER) text, bytes or a Path.

    The CSR's signature is not checked here (a lesson may want to look at a
    broken one); :func:`check_csr_signature` does that.
    """
    block = single_pem_block(data, N_("a certificate signing request"), _CSR_LABELS, InvalidRequestError)
    try:
        csr = x509.load_der_x509_csr(block.der)
        csr.subject  # parse the body now, not later in a lesson
        csr.extensions
    except Exception as exc:  # any parser complaint means the bytes are not a CSR
        raise InvalidRequestError(
            _("The CSR's bytes are not a valid PKCS#10 request ({reason}).").format(reason=_reason(exc)),
            _("make the request again with create_csr() or 'openssl req -new'."),
        ) from None
    return csr


def as_csr(value, parameter: str = "csr") -> x509.CertificateSigningRequest:
    """``value`` as a CSR: a CSR object as it is, a path, PEM text or bytes read with :func:`load_csr`;
    anything else is an :class:`~pkilesson.errors.ArgumentError` naming ``parameter``."""
    if isinstance(value, x509.CertificateSigningRequest):
        return value
    if isinstance(value, (str, bytes, bytearray, memoryview, os.PathLike)):
        return load_csr(value)
    fix = _("pass create_csr(...), load_csr('server-req.pem') or the file's path as {parameter}=.")
    raise argument_error(parameter, N_("a certificate signing request (a CSR object, a path, PEM text or bytes)"),
                         value, fix.format(parameter=parameter))


def csr_to_pem(csr: x509.CertificateSigningRequest) -> bytes:
    """The CSR as PEM (``BEGIN CERTIFICATE REQUEST``)."""
    csr = as_csr(csr)
    return csr.public_bytes(serialization.Encoding.PEM)


def check_csr_signature(csr: x509.CertificateSigningRequest) -> None:
    """Check the proof of possession: the CSR is signed by the key it carries.

    Raises :class:`InvalidRequestError` when the signature fails, which means
    the request was altered after signing or signed with another key.
    """
    csr = as_csr(csr)
    try:
        valid = csr.is_signature_valid
    except Exception:  # an unsupported or malformed key inside the CSR
        valid = False
    if not valid:
        raise InvalidRequestError(
            _("The CSR's signature does not verify with the public key inside it: it was altered after signing or "
              "signed with another key."),
            _("make the request again, signing it with the subject's own private key."),
        )


def requested_sans(csr: x509.CertificateSigningRequest) -> list[x509.GeneralName]:
    """The subjectAltName entries the CSR asks for (empty if none)."""
    csr = as_csr(csr)
    try:
        ext = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return []
    return list(ext.value)
