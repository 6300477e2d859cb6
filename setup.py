"""The build step pyproject.toml cannot declare: the wheel carries the top-level `spec/` and `fixtures/`
folders, whole (files added later ship too), as `nam_reference/_data/`, where nam_reference.resources
finds them. An editable install reads the checkout's folders instead."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

DATA_FOLDERS = ("spec", "fixtures")


class BuildWithData(build_py):
    def run(self):
        super().run()
        if self.editable_mode:
            return
        for name in DATA_FOLDERS:
            target = Path(self.build_lib, "nam_reference", "_data", name)
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(Path(__file__).parent / name, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildWithData})
