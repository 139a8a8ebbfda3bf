"""One side of a TLS connection, as files give it: its certificate chain, its key, the CAs it trusts.

The material of a server or a client; :mod:`pkilesson.tls.loopback` puts two
of them in a real handshake.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from cryptography import x509

from .._catalog import N_
from ..errors import argument_error
from .certificates import as_certificate
from .keys import PrivateKey, as_private_key

__all__ = ["Party"]


@dataclass(frozen=True)
class Party:
    """One side's material: its certificate chain (own certificate first), key, and the CAs it trusts.

    ``chain`` may be empty for a client that sends no certificate. ``crls``
    are checked by a server (``VERIFY_CRL_CHECK_LEAF``) when given.
    """

    chain: tuple[x509.Certificate, ...]
    key: Optional[PrivateKey] = field(default=None, repr=False)
    trusts: tuple[x509.Certificate, ...] = ()
    crls: tuple[x509.CertificateRevocationList, ...] = ()

    def __post_init__(self) -> None:
        from .revocation import as_crl

        object.__setattr__(self, "chain", tuple(as_certificate(c, "chain") for c in _items(self.chain, "chain")))
        object.__setattr__(self, "trusts", tuple(as_certificate(c, "trusts") for c in _items(self.trusts, "trusts")))
        object.__setattr__(self, "crls", tuple(as_crl(c, "crls") for c in _items(self.crls, "crls")))
        if self.key is not None:
            object.__setattr__(self, "key", as_private_key(self.key, "key"))


def _items(value, parameter: str) -> tuple:
    """A tuple from a list or tuple; a single item (a certificate, a path...) is a tuple of one."""
    if isinstance(value, (list, tuple)):
        return tuple(value)
    if value is None or isinstance(value, (dict, set, int, float, bool)):
        raise argument_error(parameter, N_("a tuple (or list)"), value)
    return (value,)
