"""Lesson 01's exercises: the CA's keyUsage bits, the key files everyone may read, the CA's last day.

The checks read the learner's own files in ``lab/`` (``directory=``).
"""

from __future__ import annotations

import stat
from pathlib import Path as _Path

from ._answers import KEY_USAGE, a_kind, listed, read_date, read_file_names, read_set, squash
from ._exercise_kit import _extra, _is, _label, _misplaced, _wrong_format, exercise


_CA_BITS = {
    "keyCertSign": "the bit that lets the CA sign certificates: without it a strict verifier refuses every "
                   "certificate this CA signs",
    "cRLSign": "the bit that lets the CA sign revocation lists (CRLs)",
}


@exercise("01.ca-key-usage", "Which keyUsage bits does a root CA certificate need, and no more?",
          'a set of keyUsage bit names, e.g. {"digitalSignature"}; the RFC 5280 names (keyCertSign) and the '
          'decoded view\'s labels ("Certificate Sign") both count, in any case and order')
def _ca_key_usage(answer) -> tuple[bool, str]:
    reading = read_set(answer, KEY_USAGE)
    if reading.problem:
        return _wrong_format("01.ca-key-usage", reading.problem)
    wanted = set(_CA_BITS)
    given = reading.names
    hints = _misplaced(reading, KEY_USAGE)
    if not hints and given == wanted:
        labels = [f'"{w}" is another name of {n}' for n, w in reading.found.items() if squash(w) != squash(n)]
        note = f" ({'; '.join(labels)}.)" if labels else ""
        return True, ("keyCertSign lets the CA sign certificates, cRLSign lets it sign revocation lists "
                      "(RFC 5280 §4.2.1.3)." + note)
    extra = _extra(reading, given - wanted, KEY_USAGE)
    if extra:
        hints.append(f"{listed(extra)} {_is(extra)} not needed: a root CA's key signs only certificates and CRLs")
    hints += [f"missing {_CA_BITS[name]}" for name in sorted(wanted - given)]
    if not hints:
        return _wrong_format("01.ca-key-usage", "no name found")
    return False, "; ".join(hints) + "."


def _holds_private_key(path: _Path) -> bool:
    if path.name.endswith("-key.pem"):
        return True
    try:
        with path.open("rb") as file:
            return b"PRIVATE KEY-----" in file.read(4096)
    except OSError:
        return False


#: The key files of lab/source/ whose mode lesson 01 shows: an answer must name these (when readable).
_SHOWN_IN_LESSON_01 = {"ca-key.pem"}


@exercise("01.readable-keys", "Which files in lab/source/ must stay secret, yet every user of this machine may read?",
          'a list of file names in lab/source/, e.g. ["x-key.pem"], or "none"; lesson.file_mode(path) gives a '
          "file's mode, print(pkilesson.Workspace(source.folder).listing()) lists the source's files with theirs. "
          "The key files made by later lessons may be named too, or left out")
def _readable_keys(answer, directory="lab") -> tuple[bool, str]:
    folder = _Path(directory) / "source"
    files = {p.name: p for p in sorted(folder.iterdir()) if p.is_file()} if folder.is_dir() else {}
    keys = {name: stat.S_IMODE(p.stat().st_mode) for name, p in files.items() if _holds_private_key(p)}
    if not keys:
        return False, f"there is no key file in {folder}/ yet: run lesson.run_source_step(1) first."
    names = read_file_names(answer)
    if names is None:
        return _wrong_format("01.readable-keys", f"{a_kind(answer)} is not a list of file names")
    readable = {name for name, mode in keys.items() if mode & 0o004}
    given = {name for name in names if squash(name) != "none"}
    said_none = len(given) < len(names)
    shown = ", ".join(f"{name} {mode:04o}" for name, mode in keys.items())
    hints = []
    absent = sorted(given - set(files))
    if absent:
        hints.append(f"{listed(absent)}: no such file in {folder}/")
    public = sorted((given & set(files)) - set(keys))
    if public:
        hints.append(f"{listed(public)}: certificates and CSRs are public by design; only keys are secret")
    private = sorted((given & set(keys)) - readable)
    if private:
        modes = ", ".join(f"{name} is {keys[name]:04o}" for name in private)
        hints.append(f"{listed(private)}: a key, but only its owner can read it ({modes}: the last digit is 0)")
    required = readable & _SHOWN_IN_LESSON_01
    missing = required - given
    if readable and not given and not hints:
        hints.append(f"{'none' if said_none else 'nothing'} given, but {len(readable)} key file"
                     f"{'s' if len(readable) > 1 else ''} in {folder}/ can be read by everyone")
    elif missing:
        hints.append(f"missing the key file whose mode lesson 01 printed ({len(missing)} file): a mode ending in 4 "
                     "lets every user read it")
    if hints:
        return False, "; ".join(hints) + "."
    if not readable:
        return True, f"none ({shown}): your umask keeps new files private, so the shell's redirect did too."
    others = sorted(readable - given)
    also = (f" Also readable by everyone now: {listed(others)}, made by the source's same redirect in later "
            "lessons." if others else "")
    return True, (f"{listed(sorted(given))} ({shown}): the last digit, 4, lets every user read the file, and whoever "
                  f"reads a private key can sign as its owner.{also}")


@exercise("01.ca-valid-until", "Until which day (UTC) is the CA certificate in lab/ valid? Read its notAfter "
                                '("Not after" in the decoded view of lab/ca-cert.pem)',
          'a date as "YYYY-MM-DD" (the day in UTC), e.g. "2030-01-31", read in the decoded view of lab/ca-cert.pem: '
          'decode(lab / "ca-cert.pem"); a date or datetime object counts too')
def _ca_valid_until(answer, directory="lab", now=None) -> tuple[bool, str]:
    from ..pki._time import resolve_now
    from ..pki.certificates import load_certificate

    path = _Path(directory) / "ca-cert.pem"
    if not path.exists():
        return False, f"there is no {path} yet: run the notebook from the top (it saves the CA there)."
    given = read_date(answer)
    if given is None:
        return _wrong_format("01.ca-valid-until", f"{answer!r} is not a date")
    certificate = load_certificate(path)
    start, end = certificate.not_valid_before_utc, certificate.not_valid_after_utc
    days = (end - start).days
    if given == end.date():
        return True, (f"{path} ends {end:%Y-%m-%d %H:%M:%S}Z (its notAfter), {days} days after its notBefore. Every "
                      "certificate it signs must end by then: pkilesson's CA refuses to sign one that would outlive it.")
    years = round(days / 365.25)
    try:
        calendar = start.replace(year=start.year + years).date() if years else None
    except ValueError:  # 29 February, and the year after the years is not a leap year
        calendar = start.replace(year=start.year + years, day=28).date()
    if calendar and given == calendar:
        return False, (f"{given} is {years} calendar years after {start:%Y-%m-%d}, but the CA was made for {days} days, "
                       f"not {years} years: the 29 Februaries in between make {days} days end on "
                       f"{end:%Y-%m-%d}. Read the date in the certificate rather than computing it.")
    today = resolve_now(now)
    if given == (today + (end - start)).date() and start.date() != today.date():
        return False, (f"{given} is {days} days from today: the end of a CA made today, like the one this notebook "
                       f"made in memory. The CA in {path} was made earlier, on {start:%Y-%m-%d} (its notBefore), and "
                       f"saving kept it: read the notAfter of {path} itself, decode(lab / \"ca-cert.pem\").")
    if abs((given - end.date()).days) == 1:
        return False, (f"one day off: the notAfter is an instant in UTC; give its day in UTC, as the decoded view "
                       f"of {path} writes it ({_label(path, 'valid_until', 'not_after')}).")
    return False, f"look for {_label(path, 'valid_until', 'not_after')} in the decoded view of {path} (the date before the time)."
