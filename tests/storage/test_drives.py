"""Network drives are recognised from the mount table (Linux) or the path (Windows)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scp_desktop.storage.drives import (
    is_unc_path,
    mount_of,
    network_filesystem,
    parse_mountinfo,
)

# As /proc/self/mountinfo writes it: optional fields before " - ", octal escapes in paths.
MOUNTINFO = """\
22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 252:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw
31 27 0:26 / /home rw,relatime shared:12 - ext4 /dev/vda2 rw
88 31 0:45 / /home/officer/Shared\\040Drive rw,relatime shared:40 - cifs //fileserver/csp rw,vers=3.1.1
89 27 0:46 / /mnt/plans rw,relatime - nfs4 fs01:/export/plans rw,vers=4.2
90 89 0:47 / /mnt/plans/local rw,relatime - ext4 /dev/vdb1 rw
91 27 0:48 / /mnt/laptop rw,nosuid - fuse.sshfs officer@laptop:/home rw
92 27 0:49 / /mnt/over rw - ext4 /dev/vdc1 rw
93 27 0:50 / /mnt/over rw - cifs //server/over rw
not a mount line
"""


def test_mountinfo_is_read_with_escapes_and_optional_fields() -> None:
    mounts = parse_mountinfo(MOUNTINFO)
    assert len(mounts) == 9
    assert mounts[1].mount_point == "/" and mounts[1].fstype == "ext4"
    assert mounts[3].mount_point == "/home/officer/Shared Drive"
    assert (mounts[3].fstype, mounts[3].source) == ("cifs", "//fileserver/csp")


@pytest.mark.parametrize(
    ("path", "fstype"),
    [
        ("/home/officer/Shared Drive/CSP/plan.db", "cifs"),
        ("/home/officer/Shared Drive", "cifs"),
        ("/home/officer/Shared Drivers/plan.db", "ext4"),  # a prefix of the name is not it
        ("/home/officer/plan.db", "ext4"),
        ("/mnt/plans/2022-23/plan.db", "nfs4"),
        ("/mnt/plans/local/plan.db", "ext4"),
        ("/mnt/laptop/plan.db", "fuse.sshfs"),
        ("/mnt/over/plan.db", "cifs"),  # the later mount on the same point hides the earlier
        ("/tmp/plan.db", "ext4"),
    ],
)
def test_the_mount_holding_a_path_is_the_deepest(path: str, fstype: str) -> None:
    mount = mount_of(path, parse_mountinfo(MOUNTINFO))
    assert mount is not None and mount.fstype == fstype


@pytest.mark.parametrize(
    ("text", "unc"),
    [
        (r"\\fileserver\csp\plan.db", True),
        ("//fileserver/csp/plan.db", True),
        (r"\\?\UNC\fileserver\csp\plan.db", True),
        (r"\\?\C:\Users\officer\plan.db", False),
        (r"C:\Users\officer\plan.db", False),
        (r"H:\plan.db", False),  # a mapped drive letter is found by its drive type instead
    ],
)
def test_unc_paths_are_recognised(text: str, unc: bool) -> None:
    assert is_unc_path(text) is unc


def test_a_local_folder_is_not_a_network_drive(tmp_path: Path) -> None:
    assert network_filesystem(tmp_path / "plan.db") is None
    assert network_filesystem(tmp_path / "not yet" / "made" / "plan.db") is None
