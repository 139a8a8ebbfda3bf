"""The versions running here, which a version-dependent verdict names beside itself.

Python's ``ssl`` module carries its own build of OpenSSL, which can differ
from the ``openssl`` command's: each is named.
"""

from __future__ import annotations

import ssl
import sys

__all__ = ["versions"]


def versions() -> str:
    """One line: Python, the OpenSSL of its ``ssl`` module, pyca/cryptography, and the ``openssl`` command."""
    import cryptography

    from .openssl import openssl_version

    return (f"Python {sys.version.split()[0]}; its ssl module: {ssl.OPENSSL_VERSION}; "
            f"pyca/cryptography {cryptography.__version__}; "
            f"openssl command: {openssl_version() or 'not installed'}")
