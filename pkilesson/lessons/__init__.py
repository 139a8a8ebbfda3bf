"""What only the notebooks use: the lesson helpers (the lab folder, the source recipe's runs), the
widgets and panels, the exercises and their answers, the handshake scenarios of lesson 05, the twins
of the source recipe, lesson 07's access to real servers, the glossary and the prose rules, the
solutions for teachers, keeping work across sessions and the doctor that says what each lesson
needs. It may import every folder below it (draw, verify, tls, decoding, pki) and pkilesson.errors,
never the command line.
"""
