"""Real TLS on 127.0.0.1 with the workspace's files: the loopback server and client and their
reports, what each side sent on the wire, chains in handshakes, and the real servers (MariaDB,
nginx) that lesson 07 starts and always stops. It may import pkilesson.pki, pkilesson.decoding and
pkilesson.errors; the verifiers, drawings and lessons sit above it.
"""
