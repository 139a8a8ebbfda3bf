"""The versions running here, which a version-dependent verdict names beside itself.

Python's ``ssl`` module carries its own build of OpenSSL, which can differ
from the ``openssl`` command's: each is named.
"""

from __future__ import annotations

import ssl
import sys

from .._catalog import _

__all__ = ["versions"]


def versions() -> str:
    """One line: Python, the OpenSSL of its ``ssl`` module, pyca/cryptography, and the ``openssl`` command."""
    import cryptography

    from .openssl import openssl_version

    return _("Python {python}; its ssl module: {ssl}; pyca/cryptography {cryptography}; openssl command: {openssl}"
             ).format(python=sys.version.split()[0], ssl=ssl.OPENSSL_VERSION, cryptography=cryptography.__version__,
                      openssl=openssl_version() or _("not installed"))
