"""Whether a file is on a network drive, where SQLite's file locking cannot be trusted."""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

# Linux filesystem types that reach the file over a network. (9p is left out: WSL uses it
# for the laptop's own Windows drives.)
NETWORK_FILESYSTEMS = frozenset(
    {
        "cifs",
        "smb3",
        "smbfs",
        "smb2",
        "nfs",
        "nfs4",
        "ncpfs",
        "afs",
        "ceph",
        "glusterfs",
        "lustre",
        "gpfs",
        "beegfs",
        "davfs",
        "fuse.sshfs",
        "fuse.rclone",
        "fuse.davfs2",
        "fuse.s3fs",
        "fuse.gcsfuse",
        "fuse.glusterfs",
        "fuse.cephfs",
        "fuse.smbnetfs",
    }
)
_DRIVE_REMOTE = 4  # GetDriveTypeW


@dataclass(frozen=True)
class Mount:
    mount_point: str
    fstype: str
    source: str


_ESCAPE = re.compile(r"\\([0-7]{3})")


def _unescape(field: str) -> str:
    """mountinfo writes space, tab, newline and backslash in paths as octal escapes."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 8)), field)


def parse_mountinfo(text: str) -> list[Mount]:
    """The mounts listed in /proc/self/mountinfo text, in the order given (later mounts on
    the same point hide earlier ones). Lines that do not fit the format are skipped."""
    mounts = []
    for line in text.splitlines():
        left, sep, right = line.partition(" - ")
        if not sep:
            continue
        fields, after = left.split(), right.split()
        if len(fields) < 5 or len(after) < 2:
            continue
        mounts.append(Mount(mount_point=_unescape(fields[4]), fstype=after[0], source=after[1]))
    return mounts


def mount_of(path: str, mounts: list[Mount]) -> Mount | None:
    """The mount holding the absolute POSIX `path`: the longest mount point above it, the
    last listed winning among equals."""
    target = PurePosixPath(path)
    best: Mount | None = None
    for mount in mounts:
        point = PurePosixPath(mount.mount_point)
        holds = target == point or point in target.parents
        if holds and (
            best is None or len(point.parts) >= len(PurePosixPath(best.mount_point).parts)
        ):
            best = mount
    return best


def is_unc_path(text: str) -> bool:
    r"""\\server\share\... or \\?\UNC\server\share\... (a local \\?\C:\ path is not)."""
    normal = text.replace("/", "\\")
    if normal.upper().startswith("\\\\?\\UNC\\"):
        return True
    if normal.startswith("\\\\?\\") or normal.startswith("\\\\.\\"):
        return False
    return PureWindowsPath(normal).drive.startswith("\\\\")


def network_filesystem(path: Path) -> str | None:
    """The kind of network filesystem holding `path` ('cifs', 'nfs4', 'network drive'…),
    or None when it is on this computer's own disks."""
    if sys.platform == "win32":
        return _windows_network_drive(path)
    try:
        text = Path("/proc/self/mountinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    resolved = os.path.realpath(_existing(path))
    mount = mount_of(resolved, parse_mountinfo(text))
    if mount is not None and mount.fstype in NETWORK_FILESYSTEMS:
        return mount.fstype
    return None


def _existing(path: Path) -> Path:
    """The path itself or its nearest existing folder (a file yet to be created)."""
    path = Path(os.path.abspath(path))
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


if sys.platform == "win32":
    import ctypes

    def _windows_network_drive(path: Path) -> str | None:
        for text in (str(path), os.path.realpath(_existing(path))):
            if is_unc_path(text):
                return "network share"
        drive = os.path.splitdrive(os.path.abspath(path))[0]
        if drive and not is_unc_path(drive):
            kind = ctypes.windll.kernel32.GetDriveTypeW(ctypes.c_wchar_p(drive + "\\"))
            if kind == _DRIVE_REMOTE:
                return "network drive"
        return None
