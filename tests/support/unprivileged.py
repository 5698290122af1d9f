"""Running a command that cannot read what the file permissions deny it, even as root.

The suite runs as root in CI, and root reads a directory of mode 000 regardless. A child
process started with :func:`without_file_override` loses CAP_DAC_OVERRIDE and
CAP_DAC_READ_SEARCH from its bounding set, so after exec it is held to the permission bits
like any other user (it keeps root's uid, so files it writes are owned as before).
"""

from __future__ import annotations

import ctypes
import os

_PR_CAPBSET_DROP = 24
_CAPS = (1, 2)  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH


def without_file_override() -> None:
    """A ``preexec_fn``: drop the capabilities that bypass file permissions (as root only)."""
    if os.geteuid() != 0:
        return  # an ordinary user is held to the permission bits already
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in _CAPS:
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")
