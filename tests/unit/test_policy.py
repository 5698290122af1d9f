"""The validation policy file: default, strict reading, CST suites, extends."""

from __future__ import annotations

from pathlib import Path

import pytest

from jenkins_docker_sdk.errors import InputError
from jenkins_docker_sdk.validation import DEFAULT_POLICY, load_policy, policy_schema


def write(tmp_path: Path, text: str, name: str = "policy.yml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_policy(path)
    return [str(problem) for problem in caught.value.problems]


def test_default_policy_loads_with_the_documented_defaults() -> None:
    policy = load_policy()
    assert policy.source == DEFAULT_POLICY
    assert (policy.allow_root_user, policy.max_size_mb, policy.max_wasted_percent) == (False, 2048, 10.0)
    assert "docker.io" in policy.trusted_registries
    assert "/usr/bin/passwd" in policy.setuid_allowed
    assert policy.ignore == frozenset()


def test_default_requirements_per_connector() -> None:
    policy = load_policy()
    common = {t.name for t in policy.requirements_for(None).commandTests}
    assert common == {"git", "shell"}
    for connector in ("jnlp", "attach"):
        tests = policy.requirements_for(connector).commandTests
        java = next(t for t in tests if t.command == "java")
        assert java.args == ["-version"]
        assert java.expectedError  # java -version prints to stderr
        assert {"git", "shell"} <= {t.name for t in tests}
    ssh = policy.requirements_for("ssh")
    assert any(t.path == "/usr/sbin/sshd" for t in ssh.fileExistenceTests)
    assert any("jenkins" in t.name for t in ssh.commandTests)
    assert ssh.metadataTest is not None
    assert ssh.metadataTest.exposedPorts == ["22"]


def test_unknown_key_has_did_you_mean_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "max_size_mb: 100\nallow_rot_user: true\n")
    [message] = problems(path)
    assert message.startswith(f"{path}:2:1: unknown key 'allow_rot_user' in policy")
    assert "did you mean 'allow_root_user'?" in message


def test_unknown_key_in_a_cst_test_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "commandTests:\n  - name: git\n    command: git\n    expectedOutptu: [x]\n")
    [message] = problems(path)
    assert f"{path}:4:5:" in message
    assert "did you mean 'expectedOutput'?" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("allow_root_user: yes please\n", "policy.allow_root_user must be true or false"),
        ("max_size_mb: '2048'\n", "policy.max_size_mb must be an integer, not the string '2048'"),
        ("max_wasted_percent: 150\n", "policy.max_wasted_percent is 150; accepted: at most 100"),
        ("trusted_registries: docker.io\n", "policy.trusted_registries must be a list"),
        ("ignore: [DL3008, nope]\n", "policy.ignore[1] 'nope' is not accepted: a rule id is"),
        ("setuid_allowed: [usr/bin/su]\n", "is not accepted: an absolute path"),
        ("extends: base\n", "policy.extends is 'base'; accepted: default"),
        ("commandTests:\n  - name: x\n", "policy.commandTests[0] needs the key 'command'"),
        ("fileExistenceTests:\n  - {name: a, path: /a, uid: -1}\n", "uid is -1; accepted: between"),
        (
            "fileExistenceTests:\n  - {name: a, path: /a, permissions: '0755'}\n",
            "permissions '0755' is not accepted: a mode as ls prints it",
        ),
        (
            "commandTests:\n  - {name: a, command: a, expectedOutput: ['version (']}\n",
            "expectedOutput[0] 'version (' is not accepted: not a valid regular expression",
        ),
    ],
)
def test_wrong_types_are_reported(tmp_path: Path, text: str, expected: str) -> None:
    assert any(expected in message for message in problems(write(tmp_path, text)))


def test_missing_policy_file(tmp_path: Path) -> None:
    [message] = problems(tmp_path / "nope.yml")
    assert "nope.yml: policy file not found" in message


# The shape of container-structure-test's own examples (schemaVersion, the four test keys).
CST_SUITE = """\
schemaVersion: "2.0.0"
commandTests:
  - name: jdk
    command: java
    args: ["-version"]
    expectedError: ['(openjdk|java) version "(17|21)']
  - name: git
    command: git
    args: ["--version"]
    expectedOutput: ["git version"]
  - name: apt sources are not left behind
    command: sh
    args: ["-c", "ls /var/lib/apt/lists | wc -l"]
    envVars:
      - key: LC_ALL
        value: C
    excludedOutput: ["^[1-9]"]
    exitCode: 0
fileExistenceTests:
  - name: sshd
    path: /usr/sbin/sshd
    shouldExist: true
    isExecutableBy: any
  - name: home
    path: /home/jenkins
    shouldExist: true
    permissions: drwxr-xr-x
    uid: 1000
    gid: 1000
  - {name: no baked host key, path: /etc/ssh/ssh_host_rsa_key, shouldExist: false}
fileContentTests:
  - name: debian
    path: /etc/os-release
    expectedContents: ["ID=debian"]
    excludedContents: ["ID=ubuntu"]
metadataTest:
  envVars:
    - key: JAVA_HOME
      value: /opt/java/openjdk
  labels:
    - key: io.jenkins.agent.labels
      value: ".*java.*"
      isRegex: true
  exposedPorts: ["22"]
  entrypoint: ["setup-sshd"]
  cmd: []
  workdir: /home/jenkins
  user: jenkins
"""


def test_a_container_structure_test_suite_loads_unchanged(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, CST_SUITE))
    suite = policy.requirements_for("ssh")
    assert [t.name for t in suite.commandTests] == ["jdk", "git", "apt sources are not left behind"]
    assert suite.commandTests[2].envVars is not None
    assert suite.commandTests[2].envVars[0].key == "LC_ALL"
    assert suite.fileExistenceTests[1].uid == 1000
    assert suite.fileContentTests[0].excludedContents == ["ID=ubuntu"]
    assert suite.metadataTest is not None
    assert suite.metadataTest.user == "jenkins"
    assert suite.metadataTest.labels is not None
    assert suite.metadataTest.labels[0].isRegex is True
    # without extends the file is complete: nothing of the default policy is added
    assert policy.requirements_for(None) == suite
    assert policy.trusted_registries == ()


def test_extends_default_replaces_written_keys_and_adds_tests(tmp_path: Path) -> None:
    text = (
        "extends: default\nallow_root_user: true\ntrusted_registries: [registry.example.com:5000]\n"
        "ignore: [JDS104, DL3008]\nconnectors:\n  ssh:\n    commandTests:\n"
        "      - {name: maven, command: mvn, args: [-v]}\n    metadataTest:\n      user: root\n"
    )
    policy = load_policy(write(tmp_path, text))
    default = load_policy()
    assert policy.allow_root_user is True
    assert policy.max_size_mb == default.max_size_mb
    assert policy.trusted_registries == ("registry.example.com:5000",)
    assert policy.ignores("JDS104")
    assert policy.ignores("DL3008")
    assert policy.setuid_allowed == default.setuid_allowed
    ssh = policy.requirements_for("ssh")
    assert ssh.commandTests[-1].command == "mvn"
    assert len(ssh.commandTests) == len(default.requirements_for("ssh").commandTests) + 1
    assert ssh.metadataTest is not None
    assert (ssh.metadataTest.user, ssh.metadataTest.exposedPorts) == ("root", ["22"])
    assert policy.requirements_for("jnlp") == default.requirements_for("jnlp")


def test_policy_schema_is_generated_from_the_models() -> None:
    schema = policy_schema()
    assert schema["additionalProperties"] is False
    properties = schema["properties"]
    assert isinstance(properties, dict)
    assert {"commandTests", "fileExistenceTests", "fileContentTests", "metadataTest"} <= set(properties)
    command = properties["commandTests"]["items"]["properties"]
    assert set(command) >= {"name", "command", "args", "expectedOutput", "excludedOutput", "exitCode"}
