"""Report files written whole or not at all: each goes to a temporary file beside its target and is
renamed over it, so a full disk or an interruption never leaves a half-written report behind."""

from __future__ import annotations

import glob
import os
from collections.abc import Callable
from pathlib import Path

from intercom_sla.errors import UserError


class ReportPathError(UserError):
    """The output path cannot hold the reports (a file where a folder is expected, or the reverse)."""


def report_folder(path: Path) -> Path:
    """The folder reports go to, created if absent; a file in its place is a one-line error."""
    if path.exists() and not path.is_dir():
        raise ReportPathError(f"{path}: is a file; --out names the folder the reports go to")
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_atomically(target: Path, write: Callable[[Path], None]) -> None:
    """Call `write(temporary_path)`, then move the finished file onto `target`, readable as any file the
    user writes (a web server or BI account may serve the review pack)."""
    if target.is_dir():
        raise ReportPathError(f"{target}: is a folder; expected a file to write")
    remove_abandoned_temporaries(target)
    temporary = target.parent / f".{target.name}.{os.getpid()}.tmp"
    try:
        write(temporary)
        os.chmod(temporary, 0o666 & ~current_umask())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def remove_abandoned_temporaries(target: Path) -> None:
    """Temporary files of `target` left by a writer that was killed (its process no longer runs)."""
    for temporary in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
        writer = temporary.name.removeprefix(f".{target.name}.").removesuffix(".tmp")
        if writer.isdigit() and not process_running(int(writer)):
            temporary.unlink(missing_ok=True)


def process_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:  # another account's process
        return True
    return True


def current_umask() -> int:
    umask = os.umask(0o022)
    os.umask(umask)
    return umask
