"""`make lab`: JupyterLab from the project's environment opens the text notebooks as notebooks,
offline, and every parameters cell's defaults name what exists."""

import json
import os
import socket
import subprocess
import time
import urllib.request

import jupytext
import pytest

from welfare_paradoxes.engine.paths import NOTEBOOK_DIR, REPO_ROOT, resolve

TOKEN = "lab-test"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str) -> dict:
    url = f"http://127.0.0.1:{port}{path}{'&' if '?' in path else '?'}token={TOKEN}"
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


@pytest.fixture(scope="module")
def lab():
    port = free_port()
    options = (
        f"--no-browser --port={port} --ServerApp.ip=127.0.0.1 --IdentityProvider.token={TOKEN}"
    )
    if os.geteuid() == 0:
        options += " --allow-root"
    server = subprocess.Popen(
        ["make", "lab", f"LAB_OPTIONS={options}"],
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        for _ in range(120):
            try:
                get(port, "/api/status")
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not start within 60 s")
        yield port
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)


def test_a_text_notebook_opens_as_a_notebook_with_its_parameters_cell(lab):
    opened = get(lab, "/api/contents/citizen_survey.md?type=notebook&content=1")
    code = [cell for cell in opened["content"]["cells"] if cell["cell_type"] == "code"]
    assert opened["type"] == "notebook"
    assert code[0]["metadata"]["tags"] == ["parameters"]


def test_markdown_files_open_as_jupytext_notebooks_by_default(lab):
    settings = get(lab, "/lab/api/settings/@jupyterlab/docmanager-extension:plugin")
    viewers = settings["schema"]["properties"]["defaultViewers"]["default"]
    assert viewers["myst"] == viewers["markdown"] == "Jupytext Notebook"


@pytest.mark.parametrize("source", sorted(NOTEBOOK_DIR.glob("*.md")), ids=lambda path: path.stem)
def test_the_parameters_cell_defaults_name_what_exists(source):
    notebook = jupytext.read(source)
    cell = next(c for c in notebook.cells if "parameters" in c.metadata.get("tags", []))
    defaults: dict = {}
    exec(cell.source, {}, defaults)
    assert resolve(defaults["parameter_set"]).is_file()
    assert resolve(defaults["data_dir"]).is_dir()
    assert defaults["build_dir"] == "build" and defaults.get("survey_dir", "") == ""
