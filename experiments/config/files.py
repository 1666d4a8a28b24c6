"""Reading the input files a user names (configs, TLE catalogues): plain files of bounded size.

``read_toml`` reads a config file (UTF-8, a byte-order mark allowed) through ``read_plain_file``.

A path that names a FIFO, a device (``/dev/zero``), a socket or a directory is refused before
anything is read (reading a FIFO waits for a writer forever, a device may never end), and a
file larger than its limit is refused after reading one byte past the limit, so that no input
can take the memory of the machine.
"""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path
from typing import Any

from coopsat.experiments.errors import ConfigError

CONFIG_MAX_BYTES = 4 * 2**20
"""Largest config file read (a config is a few kB)."""
TLE_MAX_BYTES = 256 * 2**20
"""Largest TLE file read (CelesTrak's whole active catalogue is a few MB)."""

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def read_plain_file(path: str | Path, what: str, max_bytes: int, key: str | None = None) -> bytes:
    """The bytes of the plain file ``path``; ``what`` names it in errors ("config file 'x'").

    Raises :class:`ConfigError` (one line, ``key`` attached) when the file is missing,
    unreadable, not a plain file, or larger than ``max_bytes``.
    """
    try:  # O_NONBLOCK: opening a FIFO without a writer returns at once instead of waiting
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise ConfigError(f"{what} does not exist", key) from None
    except PermissionError:
        raise ConfigError(f"{what} is not readable (permission denied)", key) from None
    except OSError as exc:
        raise ConfigError(f"{what} cannot be read: {exc.strerror or exc}", key) from None
    with os.fdopen(fd, "rb") as fh:
        mode = os.fstat(fd).st_mode
        for test, name in _KINDS:
            if test(mode):
                raise ConfigError(f"{what} is {name}; allowed: a plain file", key)
        os.set_blocking(fd, True)
        try:
            data = fh.read(max_bytes + 1)
        except OSError as exc:
            raise ConfigError(f"{what} cannot be read: {exc.strerror or exc}", key) from None
    if len(data) > max_bytes:
        raise ConfigError(
            f"{what} is larger than {max_bytes / 2**20:g} MiB; allowed: a plain file up to "
            "that size", key,
        )
    return data


def read_toml(path: str | Path) -> dict[str, Any]:
    """Read a TOML file (a UTF-8 byte-order mark is allowed); a missing, unreadable, non-plain,
    oversized or invalid file is a :class:`ConfigError`."""
    path = Path(path)
    name = f"config file {str(path)!r}"
    if path.is_dir():
        raise ConfigError(f"{name} is a directory, not a TOML file")
    data = read_plain_file(path, name, CONFIG_MAX_BYTES)
    try:
        return tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ConfigError(f"{name} is not UTF-8 text (a binary file?)") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{name} is not valid TOML: {exc}") from None
