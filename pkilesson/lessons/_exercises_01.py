"""Lesson 01's exercises: the CA's keyUsage bits, the key files everyone may read, the CA's last day.

The checks read the learner's own files in ``lab/`` (``directory=``).
"""

from __future__ import annotations

import stat
from pathlib import Path as _Path

from .._catalog import N_, _, ngettext, tr
from ._answers import KEY_USAGE, NONE_WORDS, a_kind, listed, read_date, read_file_names, read_set, squash
from ._exercise_kit import _extra, _joined, _label, _misplaced, _wrong_format, exercise


_CA_BITS = {
    "keyCertSign": N_("the bit that lets the CA sign certificates: without it a strict verifier refuses every "
                      "certificate this CA signs"),
    "cRLSign": N_("the bit that lets the CA sign revocation lists (CRLs)"),
}


@exercise("01.ca-key-usage", N_("Which keyUsage bits does a root CA certificate need, and no more?"),
          N_('a set of keyUsage bit names, e.g. {"digitalSignature"}; the RFC 5280 names (keyCertSign) and the '
             'decoded view\'s labels ("Certificate Sign") both count, in any case and order'))
def _ca_key_usage(answer) -> tuple[bool, str]:
    reading = read_set(answer, KEY_USAGE)
    if reading.problem:
        return _wrong_format("01.ca-key-usage", reading.problem)
    wanted = set(_CA_BITS)
    given = reading.names
    hints = _misplaced(reading, KEY_USAGE)
    if not hints and given == wanted:
        labels = [_('"{written}" is another name of {name}').format(written=w, name=n)
                  for n, w in reading.found.items() if squash(w) != squash(n)]
        note = _(" ({labels}.)").format(labels=_("; ").join(labels)) if labels else ""
        return True, _("keyCertSign lets the CA sign certificates, cRLSign lets it sign revocation lists "
                       "(RFC 5280 §4.2.1.3).") + note
    extra = _extra(reading, given - wanted, KEY_USAGE)
    if extra:
        hints.append(ngettext("{names} is not needed: a root CA's key signs only certificates and CRLs",
                              "{names} are not needed: a root CA's key signs only certificates and CRLs",
                              len(extra)).format(names=listed(extra)))
    hints += [_("missing {what}").format(what=tr(_CA_BITS[name])) for name in sorted(wanted - given)]
    if not hints:
        return _wrong_format("01.ca-key-usage", _("no name found"))
    return False, _joined(hints)


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


@exercise("01.readable-keys", N_("Which files in lab/source/ must stay secret, yet every user of this machine may "
                                 "read?"),
          N_('a list of file names in lab/source/, e.g. ["x-key.pem"], or "none"; lesson.file_mode(path) gives a '
             "file's mode, print(pkilesson.Workspace(source.folder).listing()) lists the source's files with theirs. "
             "The key files made by later lessons may be named too, or left out"))
def _readable_keys(answer, directory="lab") -> tuple[bool, str]:
    folder = _Path(directory) / "source"
    files = {p.name: p for p in sorted(folder.iterdir()) if p.is_file()} if folder.is_dir() else {}
    keys = {name: stat.S_IMODE(p.stat().st_mode) for name, p in files.items() if _holds_private_key(p)}
    if not keys:
        return False, _("there is no key file in {folder}/ yet: run lesson.run_source_step(1) first.").format(
            folder=folder)
    names = read_file_names(answer)
    if names is None:
        return _wrong_format("01.readable-keys", _("{kind} is not a list of file names").format(kind=a_kind(answer)))
    readable = {name for name, mode in keys.items() if mode & 0o004}
    given = {name for name in names if squash(name) not in NONE_WORDS}
    said_none = len(given) < len(names)
    shown = ", ".join(f"{name} {mode:04o}" for name, mode in keys.items())
    hints = []
    absent = sorted(given - set(files))
    if absent:
        hints.append(_("{names}: no such file in {folder}/").format(names=listed(absent), folder=folder))
    public = sorted((given & set(files)) - set(keys))
    if public:
        hints.append(_("{names}: certificates and CSRs are public by design; only keys are secret").format(
            names=listed(public)))
    private = sorted((given & set(keys)) - readable)
    if private:
        modes = ", ".join(_("{name} is {mode:04o}").format(name=name, mode=keys[name]) for name in private)
        hints.append(_("{names}: a key, but only its owner can read it ({modes}: the last digit is 0)").format(
            names=listed(private), modes=modes))
    required = readable & _SHOWN_IN_LESSON_01
    missing = required - given
    if readable and not given and not hints:
        given_words = _("none given") if said_none else _("nothing given")
        hints.append(ngettext("{given}, but {count} key file in {folder}/ can be read by everyone",
                              "{given}, but {count} key files in {folder}/ can be read by everyone",
                              len(readable)).format(given=given_words, count=len(readable), folder=folder))
    elif missing:
        hints.append(ngettext("missing the key file whose mode lesson 01 printed ({count} file): a mode ending in 4 "
                              "lets every user read it",
                              "missing the key files whose mode lesson 01 printed ({count} file): a mode ending in 4 "
                              "lets every user read it", len(missing)).format(count=len(missing)))
    if hints:
        return False, _joined(hints)
    if not readable:
        return True, _("none ({modes}): your umask keeps new files private, so the shell's redirect did too.").format(
            modes=shown)
    others = sorted(readable - given)
    also = (_(" Also readable by everyone now: {names}, made by the source's same redirect in later lessons.").format(
        names=listed(others)) if others else "")
    return True, _("{names} ({modes}): the last digit, 4, lets every user read the file, and whoever reads a private "
                   "key can sign as its owner.{also}").format(names=listed(sorted(given)), modes=shown, also=also)


@exercise("01.ca-valid-until", N_("Until which day (UTC) is the CA certificate in lab/ valid? Read its notAfter "
                                   '("Not after" in the decoded view of lab/ca-cert.pem)'),
          N_('a date as "YYYY-MM-DD" (the day in UTC), e.g. "2030-01-31", read in the decoded view of '
             'lab/ca-cert.pem: decode(lab / "ca-cert.pem"); a date or datetime object counts too'))
def _ca_valid_until(answer, directory="lab", now=None) -> tuple[bool, str]:
    from ..pki._time import resolve_now
    from ..pki.certificates import load_certificate

    path = _Path(directory) / "ca-cert.pem"
    if not path.exists():
        return False, _("there is no {path} yet: run the notebook from the top (it saves the CA there).").format(
            path=path)
    given = read_date(answer)
    if given is None:
        return _wrong_format("01.ca-valid-until", _("{answer!r} is not a date").format(answer=answer))
    certificate = load_certificate(path)
    start, end = certificate.not_valid_before_utc, certificate.not_valid_after_utc
    days = (end - start).days
    if given == end.date():
        return True, _("{path} ends {end:%Y-%m-%d %H:%M:%S}Z (its notAfter), {days} days after its notBefore. Every "
                       "certificate it signs must end by then: pkilesson's CA refuses to sign one that would outlive "
                       "it.").format(path=path, end=end, days=days)
    years = round(days / 365.25)
    try:
        calendar = start.replace(year=start.year + years).date() if years else None
    except ValueError:  # 29 February, and the year after the years is not a leap year
        calendar = start.replace(year=start.year + years, day=28).date()
    if calendar and given == calendar:
        return False, _("{given} is {years} calendar years after {start:%Y-%m-%d}, but the CA was made for {days} "
                        "days, not {years} years: the 29 Februaries in between make {days} days end on "
                        "{end:%Y-%m-%d}. Read the date in the certificate rather than computing it.").format(
            given=given, years=years, start=start, days=days, end=end)
    today = resolve_now(now)
    if given == (today + (end - start)).date() and start.date() != today.date():
        return False, _("{given} is {days} days from today: the end of a CA made today, like the one this notebook "
                        "made in memory. The CA in {path} was made earlier, on {start:%Y-%m-%d} (its notBefore), and "
                        "saving kept it: read the notAfter of {path} itself, decode(lab / \"ca-cert.pem\").").format(
            given=given, days=days, path=path, start=start)
    if abs((given - end.date()).days) == 1:
        return False, _("one day off: the notAfter is an instant in UTC; give its day in UTC, as the decoded view "
                        "of {path} writes it ({label}).").format(path=path, label=_label(path, "valid_until", "not_after"))
    return False, _("look for {label} in the decoded view of {path} (the date before the time).").format(
        label=_label(path, "valid_until", "not_after"), path=path)
