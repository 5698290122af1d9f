"""The one place a jnlp agent's secret reaches its container.

Never through the environment or labels (both are shown by ``docker inspect``): the
container gets a tmpfs at :data:`SECRET_DIR` and waits for the file; the secret is then
written into it through ``docker exec`` on standard input, as the container's own user,
mode 0600. It never touches a disk, a command line or a log. (Issue 7's CredentialInjector
is meant to take this over; keep it the only function that handles the value.)
"""

from __future__ import annotations

from jenkins_docker_sdk.clients.docker import DockerEngine, DockerError

SECRET_DIR = "/run/jds-agent"
SECRET_FILE = SECRET_DIR + "/secret"
#: The tmpfs the container gets for it (sticky and world-writable like /tmp, so that any
#: image user can write its own 0600 file there).
SECRET_TMPFS = {SECRET_DIR: "mode=1777,size=64k"}
_WRITE = 'umask 077 && cat > "$0.tmp" && mv "$0.tmp" "$0"'


def deliver_agent_secret(engine: DockerEngine, container: str, secret: str) -> None:
    """Write ``secret`` to :data:`SECRET_FILE` in the running ``container``.

    Raises:
        DockerError: the file could not be written (the message never holds the secret).
    """
    code = engine.run_in(container, ["sh", "-c", _WRITE, SECRET_FILE], stdin=secret.encode("utf-8"))
    if code != 0:
        raise DockerError(f"container {container}: writing the agent secret failed (exit code {code})")
