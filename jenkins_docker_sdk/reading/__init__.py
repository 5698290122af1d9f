"""Reading: a farm root's files into the model, every problem at its file, line and column.

- :mod:`._inputfile`, :mod:`._yaml`: bounded reads, and YAML that remembers where each key
  and item was (aliases, nesting and sizes bounded);
- :mod:`._manifest`: the shapes of ``farm.yml`` and ``jenkins-docker.yml`` (file models),
  read strictly and described as JSON Schema;
- :mod:`._policy_file`, :mod:`._cst`: the validation policy's shape, and the
  container-structure-test tests it holds (with CST's key names);
- :mod:`._dockerfile`: Dockerfile analysis with BuildKit's own parser;
- :mod:`._walk`, :mod:`._paths`: which directories are team repositories, and paths that
  must stay inside them; :mod:`._teams`: which team a repository belongs to;
- :mod:`._settings`, :mod:`._repo`: farm.yml and one repository into the model (every
  default stated once); :mod:`._secrets`: secrets written into team files;
- :mod:`._pool`: many repositories, in worker processes for a large farm;
- :mod:`._unique`, :mod:`._farm`: the checks across the farm, and :func:`load_farm`.
"""

from __future__ import annotations

from jenkins_docker_sdk.reading._credential_scope import check_credentials
from jenkins_docker_sdk.reading._cst import (
    CommandTest,
    FileContentTest,
    FileExistenceTest,
    KeyValue,
    MetadataTest,
    TestSuite,
)
from jenkins_docker_sdk.reading._dockerfile import (
    AGENT_LABELS_KEY,
    DockerfileInfo,
    Instruction,
    Stage,
    analyse,
    go_runtime_loaded,
    parse_dockerfile,
)
from jenkins_docker_sdk.reading._farm import discover, find_repos, load_farm
from jenkins_docker_sdk.reading._inputfile import MAX_DOCKERFILE_BYTES, MAX_YAML_BYTES, read_text, size_text
from jenkins_docker_sdk.reading._manifest import (
    MAX_BINDINGS,
    MAX_STEPS,
    FarmFile,
    RepoManifest,
    json_schema,
    read,
)
from jenkins_docker_sdk.reading._paths import inside
from jenkins_docker_sdk.reading._policy_file import (
    ConnectorsFile,
    PolicyFile,
    RequirementsFile,
    policy_schema,
    read_policy_file,
)
from jenkins_docker_sdk.reading._pool import CHUNK_SIZE, PARALLEL_THRESHOLD, gc_paused
from jenkins_docker_sdk.reading._secrets import value_secrets
from jenkins_docker_sdk.reading._teams import team_of
from jenkins_docker_sdk.reading._unique import image_key
from jenkins_docker_sdk.reading._walk import DOCKERFILE, FARM_FILE, MANIFEST, RepoWalk
from jenkins_docker_sdk.reading._yaml import (
    MAX_ALIAS_NODES,
    MAX_DEPTH,
    LocatedDict,
    LocatedList,
    load_yaml,
    parse_yaml,
)

__all__ = [
    "AGENT_LABELS_KEY",
    "CHUNK_SIZE",
    "DOCKERFILE",
    "FARM_FILE",
    "MANIFEST",
    "MAX_ALIAS_NODES",
    "MAX_BINDINGS",
    "MAX_DEPTH",
    "MAX_DOCKERFILE_BYTES",
    "MAX_STEPS",
    "MAX_YAML_BYTES",
    "PARALLEL_THRESHOLD",
    "CommandTest",
    "ConnectorsFile",
    "DockerfileInfo",
    "FarmFile",
    "FileContentTest",
    "FileExistenceTest",
    "Instruction",
    "KeyValue",
    "LocatedDict",
    "LocatedList",
    "MetadataTest",
    "PolicyFile",
    "RepoManifest",
    "RepoWalk",
    "RequirementsFile",
    "Stage",
    "TestSuite",
    "analyse",
    "check_credentials",
    "discover",
    "find_repos",
    "gc_paused",
    "go_runtime_loaded",
    "image_key",
    "inside",
    "json_schema",
    "load_farm",
    "load_yaml",
    "parse_dockerfile",
    "parse_yaml",
    "policy_schema",
    "read",
    "read_policy_file",
    "read_text",
    "size_text",
    "team_of",
    "value_secrets",
]
