"""Exercise 01.ca-valid-until: the CA's real notAfter is the answer, whatever "ten years" would suggest."""

from __future__ import annotations

import dataclasses
import datetime as dt

from pkilesson.lessons import lesson
from pkilesson.lessons.exercises import EXERCISES, check

#: A CA made on this day with the default 3650 days ends on 2036-11-27: three 29 Februaries lie in between.
MADE = dt.datetime(2026, 11, 30, 9, 30, tzinfo=dt.timezone.utc)


def _lab_ca(tmp_path):
    """lab/ca-cert.pem made with lesson 01's default choices (a P-256 key, quicker), on MADE."""
    choices = dataclasses.replace(lesson.DEFAULT_CHOICES[1], key_type="p256")
    ca = lesson.make_step(1, choices, now=MADE).ca
    lesson.write_pem(ca.certificate, tmp_path / "ca-cert.pem")
    return ca


def test_the_default_ca_lasts_3650_days_not_ten_calendar_years(tmp_path):
    ca = _lab_ca(tmp_path)
    assert lesson.DEFAULT_CHOICES[1].days == 3650
    assert ca.certificate.not_valid_after_utc == dt.datetime(2036, 11, 27, 9, 30, tzinfo=dt.timezone.utc)


def test_the_real_not_after_is_right_in_every_form(tmp_path):
    _lab_ca(tmp_path)
    for answer in ("2036-11-27", "2036-11-27T09:30:00Z", dt.date(2036, 11, 27),
                   dt.datetime(2036, 11, 27, 9, 30, tzinfo=dt.timezone.utc)):
        feedback = check("01.ca-valid-until", answer, directory=tmp_path)
        assert feedback, answer
        assert "3650 days" in feedback.why


def test_ten_calendar_years_is_wrong_and_the_feedback_says_why(tmp_path):
    _lab_ca(tmp_path)
    feedback = check("01.ca-valid-until", "2036-11-30", directory=tmp_path)
    assert not feedback
    assert "3650 days, not 10 years" in feedback.why and "2036-11-27" in feedback.why


def test_another_wrong_date_points_to_the_certificate(tmp_path):
    _lab_ca(tmp_path)
    assert "Not after" in check("01.ca-valid-until", "2036-11-26", directory=tmp_path).why


def test_the_question_asks_to_read_the_certificate():
    question, _ = EXERCISES["01.ca-valid-until"]
    assert "notAfter" in question and "ten years" not in question
