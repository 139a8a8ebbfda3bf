"""A failure a lesson shows on purpose reads as a lesson: the problem and its fix, no traceback (issue #12)."""

from __future__ import annotations

import nbclient
import nbformat
import pytest

from pkilesson.errors import ArgumentError, IssuanceError, PkiLessonError


def test_the_error_renders_as_its_problem_and_fix():
    assert IssuanceError("The CA refuses.", "give a SAN.")._render_traceback_() == [
        "IssuanceError: The CA refuses.", "Fix: give a SAN."]
    assert PkiLessonError("Only a problem.")._render_traceback_() == ["PkiLessonError: Only a problem."]
    assert ArgumentError("x= must be a str, got int.", "pass a str.")._render_traceback_()[0].startswith("ArgumentError:")


def test_a_notebook_cell_that_fails_on_purpose_shows_no_traceback(tmp_path):
    """In a real kernel: the error output holds two lines, the problem and the fix; other errors keep theirs."""
    cells = [
        nbformat.v4.new_code_cell("import pkilesson\npkilesson.load_private_key('missing-key.pem')",
                                  metadata={"tags": ["raises-exception"]}),
        nbformat.v4.new_code_cell("1 / 0", metadata={"tags": ["raises-exception"]}),
    ]
    notebook = nbformat.v4.new_notebook(cells=cells)
    nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    (ours,) = notebook.cells[0].outputs
    assert ours.output_type == "error" and ours.ename in ("WorkspaceError", "InvalidKeyError", "PkiLessonError")
    assert len(ours.traceback) == 2 and ours.traceback[1].startswith("Fix: ")
    assert ours.traceback[0].startswith(f"{ours.ename}: ") and "missing-key.pem" in ours.traceback[0]
    assert not any("Traceback" in line or "File " in line for line in ours.traceback)
    (python,) = notebook.cells[1].outputs
    assert python.ename == "ZeroDivisionError" and len(python.traceback) > 2  # not ours: Python's traceback


def test_an_error_stays_on_one_line_whatever_the_input():
    """A newline or tab from the learner's input (a path "0\\n") is shown escaped, so the error stays one line."""
    from pkilesson.draw.diagrams import workspace_diagram
    from pkilesson.errors import PkiLessonError

    with pytest.raises(PkiLessonError) as raised:
        workspace_diagram(source="0\n")
    text = str(raised.value)
    assert "\n" not in text and "0\\n" in text and " Fix: " in text
    error = PkiLessonError("a\tb\u2028c é", "d\re")
    assert (error.problem, error.fix) == ("a\\tb\\u2028c é", "d\\re")
