"""pkilesson's version: the one place it is written (the package and its work packs read it)."""

__version__ = "0.1.0"
