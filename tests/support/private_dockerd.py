"""A private dockerd for fault tests that kill an engine: never one of the shared harness's.

Started as ../shared/MACHINE.md describes (own socket, data root, exec root, pidfile, no
bridge), in its own session so that killing it kills nothing else.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import docker

READY_TIMEOUT = 60.0


class PrivateDockerd:
    """One dockerd under a temporary directory; :meth:`kill` and :meth:`start` it at will."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="jds-prov-"))
        self.socket = self.root / "docker.sock"
        self.url = f"unix://{self.socket}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        # After a kill, the managed containerd died with dockerd (parent-death signal) but its
        # pidfile stays; its pid may linger as a zombie, which dockerd takes for a live one.
        (self.root / "exec" / "containerd" / "containerd.pid").unlink(missing_ok=True)
        log = (self.root / "dockerd.log").open("ab")
        self.process = subprocess.Popen(
            [
                "/usr/sbin/dockerd",
                "--iptables=false",
                "--ip-masq=false",
                "--bridge=none",
                "--storage-driver=overlay2",
                "--host",
                self.url,
                "--data-root",
                str(self.root / "data"),
                "--exec-root",
                str(self.root / "exec"),
                "--pidfile",
                str(self.root / "dockerd.pid"),
            ],
            stdout=log,
            stderr=log,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + READY_TIMEOUT
        while not self.answers():
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"private dockerd not ready; read {self.root / 'dockerd.log'}")
            time.sleep(0.1)

    def answers(self) -> bool:
        if not self.socket.exists():
            return False
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:  # docker-py leaves the socket of a refused connect to the garbage collector
            probe.connect(str(self.socket))
        except OSError:
            return False
        finally:
            probe.close()
        client = docker.DockerClient(base_url=self.url, version="1.41", timeout=2)
        try:
            return bool(client.ping())
        except Exception:
            return False
        finally:
            client.close()

    def client(self) -> docker.DockerClient:
        return docker.DockerClient(base_url=self.url, version="1.41")

    def _kill_leftovers(self) -> None:
        """Kill what outlived a killed dockerd: the containerd shims of this engine (their
        command line names this engine's own directory) and the container processes below them."""
        parents: dict[int, int] = {}
        ours: list[int] = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rpartition(")")[2].split()[1])
            if str(self.root) in command:
                ours.append(int(entry.name))
        doomed = set(ours)
        grew = True
        while grew:
            below = {pid for pid, parent in parents.items() if parent in doomed} - doomed
            grew = bool(below)
            doomed |= below
        for pid in sorted(doomed, key=lambda p: p in ours):  # the containers first, then the shims
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def kill(self) -> None:
        """SIGKILL the dockerd alone (its containerd and containers stay, as in a crash)."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """Stop dockerd and its containerd, remove every container and the directory."""
        if self.process is not None and self.process.poll() is None:
            client = self.client()
            try:
                for container in client.api.containers(all=True):
                    client.api.remove_container(container["Id"], force=True)
            finally:
                client.close()
            self.process.terminate()
            self.process.wait(timeout=60)
        self._kill_leftovers()
        for mount in reversed(Path("/proc/mounts").read_text().splitlines()):
            point = mount.split()[1]
            if point.startswith(str(self.root)):
                subprocess.run(["umount", "-l", point], check=False)
        shutil.rmtree(self.root, ignore_errors=True)
        if os.path.exists(self.root):  # pragma: no cover
            raise RuntimeError(f"could not remove {self.root}")
