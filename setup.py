"""Package layout: the design card's top-level folders install as sub-packages of ``coopsat``.

The metadata live in ``pyproject.toml``; this file only maps the folders onto package names,
because the mapping is computed: every sub-package found below a folder is listed, so a new
experiment kind needs no packaging line. ``constellation/`` becomes ``coopsat.constellation``
(likewise ``channel``, ``precoding``, ``experiments``), ``coopsat/`` holds the package's own
``__init__.py`` and ``data/`` is ``coopsat.data`` (read with ``importlib.resources``). The same
mapping serves ``pip install -e .`` (setuptools installs an import finder that follows it) and
a wheel (the folders are copied under ``coopsat/``).
"""

from setuptools import find_namespace_packages, setup

LAYERS = ("constellation", "channel", "precoding", "experiments")

package_dir = {"coopsat": "coopsat", "coopsat.data": "data"}
packages = ["coopsat", "coopsat.data"]
for layer in LAYERS:
    package_dir[f"coopsat.{layer}"] = layer
    packages.append(f"coopsat.{layer}")
    packages += [f"coopsat.{layer}.{sub}" for sub in find_namespace_packages(layer)
                 if "__pycache__" not in sub]

setup(
    packages=packages,
    package_dir=package_dir,
    package_data={"coopsat": ["py.typed"], "coopsat.data": ["*.toml", "**/*"]},
    exclude_package_data={"coopsat.data": ["__pycache__/*", "*.pyc"]},
)
