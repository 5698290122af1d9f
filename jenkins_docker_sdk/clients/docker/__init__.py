"""The Docker adapters: the only modules that import the docker SDK (on first use, never at import).

- the image side, functions over a docker SDK client (what the image gate is given):
  :mod:`._images` (a client from the environment, the image export stream, builds) and
  :mod:`._probe` (the probe container);
- :mod:`._secrets`: secrets into containers (files through ``docker exec``, Swarm secrets);
- the engine side, :mod:`._engine`: :class:`DockerEngine`, one engine (containers, images,
  Swarm nodes) in typed calls, for the provisioner.

The clients they are given and the engine they offer are typed by the protocols of
:mod:`jenkins_docker_sdk.clients.protocols`.
"""

from __future__ import annotations

from jenkins_docker_sdk.clients._values import ContainerInfo, ContainerSpec, SwarmNodeInfo
from jenkins_docker_sdk.clients.docker._engine import DockerEngine, TLSFiles
from jenkins_docker_sdk.clients.docker._images import (
    CHUNK,
    ChunkStream,
    build_image,
    client_from_env,
    exported_image,
)
from jenkins_docker_sdk.clients.docker._probe import PROBE_PATH, ContainerRun, run_probe_container
from jenkins_docker_sdk.clients.docker._secrets import (
    container_user,
    create_swarm_secret,
    remove_swarm_secrets,
    swarm_secret_reference,
    write_container_file,
)

__all__ = [
    "CHUNK",
    "PROBE_PATH",
    "ChunkStream",
    "ContainerInfo",
    "ContainerRun",
    "ContainerSpec",
    "DockerEngine",
    "SwarmNodeInfo",
    "TLSFiles",
    "build_image",
    "client_from_env",
    "container_user",
    "create_swarm_secret",
    "exported_image",
    "remove_swarm_secrets",
    "run_probe_container",
    "swarm_secret_reference",
    "write_container_file",
]
