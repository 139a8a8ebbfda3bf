"""The lesson notebooks: committed clean, and each runs top to bottom in a fresh kernel on its own."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbclient
import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert [p.name for p in NOTEBOOKS][:1] == ["00-overview.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs_or_key_material(path):
    text = path.read_text()
    notebook = json.loads(text)
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, cell["source"]
    assert "PRIVATE KEY-----" not in text


def run_alone(path: Path, folder: Path, extra_cells: tuple[str, ...] = ()) -> nbformat.NotebookNode:
    """Run a copy of notebook ``path`` top to bottom in a fresh kernel whose working directory is ``folder``
    (made if needed, meant to be empty), with ``extra_cells`` (code) appended; the executed copy.

    The French edition's test (test_french_notebooks.py) runs its notebooks the same way."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, folder / path.name)
    notebook = nbformat.read(folder / path.name, as_version=4)
    notebook.cells.extend(nbformat.v4.new_code_cell(source) for source in extra_cells)
    client = nbclient.NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    )
    client.execute()
    return notebook


def errors_of(notebook: nbformat.NotebookNode) -> list:
    """The error outputs of an executed notebook, but those of cells tagged ``raises-exception``."""
    return [
        output
        for cell in notebook.cells
        if cell.cell_type == "code" and "raises-exception" not in cell.metadata.get("tags", [])
        for output in cell.outputs
        if output.output_type == "error"
    ]


def printed_private_key(notebook: nbformat.NotebookNode) -> bool:
    return "PRIVATE KEY-----" in json.dumps([cell.get("outputs", []) for cell in notebook.cells])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_runs_in_a_fresh_kernel_alone(path, tmp_path):
    """Each notebook alone, in an empty folder: no hidden state from another notebook."""
    notebook = run_alone(path, tmp_path)
    assert errors_of(notebook) == []
    assert not printed_private_key(notebook), "a notebook must never print a private key"
