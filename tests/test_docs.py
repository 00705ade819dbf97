"""Every ```python block in README.md and docs/*.md runs as written.

The blocks of one file run in order in one namespace (later blocks may use earlier
names), in a temporary folder. A file whose blocks need an optional peer that is not
installed, or the Yao backend without a Julia runtime, is skipped with the reason.
"""

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```python\n(.*?)^```$", re.S | re.M)
OPTIONAL = ("pennylane", "qiskit", "qiskit_algorithms", "openfermion", "juliacall")


def blocks(path: Path) -> list[str]:
    return BLOCK.findall(path.read_text(encoding="utf-8"))


def test_the_docs_have_code_to_run():
    assert sum(len(blocks(p)) for p in FILES) >= 7


@pytest.mark.parametrize("path", [p for p in FILES if blocks(p)], ids=lambda p: p.name)
def test_code_blocks_run(path, tmp_path):
    from revad.backends.yao_backend import JuliaUnavailableError

    namespace: dict = {"__name__": "__docs__"}
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        for i, code in enumerate(blocks(path)):
            try:
                exec(compile(code, f"{path.name}[block {i}]", "exec"), namespace)
            except ModuleNotFoundError as exc:
                if exc.name and exc.name.split(".")[0] in OPTIONAL:
                    pytest.skip(f"{path.name} needs {exc.name}, not installed")
                raise
            except JuliaUnavailableError as exc:
                pytest.skip(f"{path.name} needs Julia: {str(exc).splitlines()[0]}")
    finally:
        os.chdir(cwd)
