"""Pictures of who signed what and who trusts whom: the facts each diagram draws, the DOT text,
rendering with Graphviz (SVG with its title and description), workspace, chain and mutual-TLS
diagrams. It may import pkilesson.verify, pkilesson.tls, pkilesson.decoding, pkilesson.pki and
pkilesson.errors; only the lessons and the command line sit above it.
"""
