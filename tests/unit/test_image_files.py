"""Lookups in the merged view (links followed), modes as Go and ls print them, metadata tests."""

from __future__ import annotations

from jenkins_docker_sdk.reading import FileExistenceTest, KeyValue, MetadataTest
from jenkins_docker_sdk.validation.image_files import (
    file_existence_problems,
    go_mode,
    ls_mode,
    metadata_problems,
    resolve,
)
from jenkins_docker_sdk.validation.layers import Entry


def entry(path: str, kind: str = "file", mode: int = 0o644, target: str = "", uid: int = 0) -> Entry:
    return Entry(path, 10 if kind == "file" else 0, mode, uid, 0, kind, 0, target)


VIEW = {
    e.path: e
    for e in (
        entry("/bin", "link", 0o777, "usr/bin"),
        entry("/usr", "dir", 0o755),
        entry("/usr/bin", "dir", 0o755),
        entry("/usr/bin/sh", "link", 0o777, "dash"),
        entry("/usr/bin/dash", mode=0o755),
        entry("/usr/bin/su", mode=0o4755),
        entry("/etc", "dir", 0o755),
        entry("/etc/os-release", "link", 0o777, "../usr/lib/os-release"),
        entry("/usr/lib", "dir", 0o755),
        entry("/usr/lib/os-release"),
        entry("/abs", "link", 0o777, "/usr/bin/dash"),
        entry("/loop", "link", 0o777, "/loop"),
        entry("/tmp", "dir", 0o1777),
    )
}


def test_links_are_followed_in_the_middle_and_at_the_end() -> None:
    assert resolve(VIEW, "/bin/sh") == VIEW["/usr/bin/dash"]
    assert resolve(VIEW, "/etc/os-release") == VIEW["/usr/lib/os-release"]
    assert resolve(VIEW, "/abs") == VIEW["/usr/bin/dash"]
    assert resolve(VIEW, "/usr/bin/../bin/./dash") == VIEW["/usr/bin/dash"]


def test_missing_paths_loops_and_files_used_as_dirs_resolve_to_nothing() -> None:
    assert resolve(VIEW, "/bin/nothing") is None
    assert resolve(VIEW, "/loop") is None
    assert resolve(VIEW, "/usr/bin/dash/x") is None
    root = resolve(VIEW, "/")
    assert root is not None
    assert root.kind == "dir"


def test_modes_as_go_and_ls_print_them() -> None:
    assert (go_mode(VIEW["/usr/bin/su"]), ls_mode(VIEW["/usr/bin/su"])) == ("urwxr-xr-x", "-rwsr-xr-x")
    assert (go_mode(VIEW["/tmp"]), ls_mode(VIEW["/tmp"])) == ("dtrwxrwxrwx", "drwxrwxrwt")
    assert ls_mode(entry("/x", mode=0o4644)) == "-rwSr--r--"


def test_file_existence_accepts_either_mode_spelling_and_reports_each_difference() -> None:
    assert (
        list(
            file_existence_problems(
                FileExistenceTest(name="su", path="/usr/bin/su", permissions="-rwsr-xr-x"), VIEW
            )
        )
        == []
    )
    assert (
        list(
            file_existence_problems(
                FileExistenceTest(name="su", path="/usr/bin/su", permissions="urwxr-xr-x"), VIEW
            )
        )
        == []
    )
    problems = list(
        file_existence_problems(
            FileExistenceTest(name="os", path="/etc/os-release", uid=1000, isExecutableBy="any"), VIEW
        )
    )
    assert problems == ["is owned by uid 0, not 1000", "is not executable by any (-rw-r--r--)"]
    assert list(
        file_existence_problems(FileExistenceTest(name="no", path="/bin/sh", shouldExist=False), VIEW)
    ) == ["exists (-rwxr-xr-x, layer 0) but must not"]


def test_metadata_compares_the_image_config() -> None:
    config = {
        "config": {
            "Env": ["PATH=/usr/bin", "JAVA_HOME=/opt/java"],
            "ExposedPorts": {"22/tcp": {}},
            "User": "jenkins",
            "Labels": {"team": "a"},
        }
    }
    passing = MetadataTest(
        envVars=[KeyValue("JAVA_HOME", "^/opt", isRegex=True)], exposedPorts=["22"], user="jenkins"
    )
    assert list(metadata_problems(passing, config)) == []
    failing = MetadataTest(
        envVars=[KeyValue("JAVA_HOME", "/usr")],
        unboundEnvVars=["PATH"],
        exposedPorts=["8080"],
        labels=[KeyValue("owner", "x")],
        entrypoint=["/entry"],
    )
    assert list(metadata_problems(failing, config)) == [
        "ENV JAVA_HOME is '/opt/java', not '/usr'",
        "LABEL owner is not set",
        "ENV PATH is set but must not be",
        "port 8080 is not exposed (EXPOSE 8080)",
        "ENTRYPOINT is [], not ['/entry']",
    ]
