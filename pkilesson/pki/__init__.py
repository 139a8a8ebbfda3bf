"""The source document's steps 1 to 3 and their files: keys, names, signing requests (CSRs), the
profiles of each kind of certificate, the CA that signs, certificates, PEM, the eight files of the
workspace (written all or nothing, under a lock), revocation lists, the root and intermediate
hierarchy, key protection, work packs, the openssl command lines of each step, and time. It is the
bottom layer: it may import pkilesson.errors and pkilesson._version only, never a decoder, a
verifier, a handshake, a drawing or a lesson.
"""
