"""The Jenkins adapter without a controller: URLs, credentials, the retry policy."""

from __future__ import annotations

import subprocess
import sys

import pytest

from jenkins_docker_sdk.clients import JenkinsClient, RetryPolicy, check_url
from jenkins_docker_sdk.errors import InputError

TOKEN = "11a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://jenkins.test", "http://jenkins.test/"),
        ("https://ci.example.com:8443/jenkins", "https://ci.example.com:8443/jenkins/"),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080/"),
    ],
)
def test_good_urls_get_a_trailing_slash(url: str, expected: str) -> None:
    assert check_url(url) == expected


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("jenkins.test", "not an http:// or https:// URL with a host"),
        ("ftp://jenkins.test", "not an http:// or https:// URL with a host"),
        ("http://", "not an http:// or https:// URL with a host"),
        ("http://jenkins.test:port", "Port could not be cast"),
        ("http://jenkins.test/?a=b", "query or fragment"),
        ("http://jenkins.test/#top", "query or fragment"),
    ],
)
def test_bad_urls_are_input_errors(url: str, reason: str) -> None:
    with pytest.raises(InputError, match=reason):
        check_url(url)


def test_a_url_with_credentials_is_refused_without_repeating_them() -> None:
    with pytest.raises(InputError) as caught:
        check_url(f"https://bot:{TOKEN}@jenkins.test/")
    assert "has credentials in it" in str(caught.value)
    assert TOKEN not in str(caught.value)
    assert "****@jenkins.test" in str(caught.value)


def test_the_token_is_never_in_the_repr() -> None:
    client = JenkinsClient(url="http://jenkins.test", user="bot", token=TOKEN)
    assert TOKEN not in repr(client)
    assert "user='bot'" in repr(client)


def test_user_and_token_go_together() -> None:
    with pytest.raises(InputError, match="go together"):
        JenkinsClient(url="http://jenkins.test", user="bot")
    with pytest.raises(InputError, match="go together"):
        JenkinsClient(url="http://jenkins.test", token=TOKEN)


def test_the_token_comes_from_the_environment() -> None:
    client = JenkinsClient.from_env("http://jenkins.test", user="bot", token_env="T", environ={"T": TOKEN})
    assert client.token == TOKEN
    anonymous = JenkinsClient.from_env("http://jenkins.test", environ={"JENKINS_API_TOKEN": TOKEN})
    assert anonymous.user is None
    assert anonymous.token is None
    with pytest.raises(InputError, match="environment variable T is unset or empty"):
        JenkinsClient.from_env("http://jenkins.test", user="bot", token_env="T", environ={"T": ""})


def test_retry_policy_backs_off_exponentially_and_gives_up() -> None:
    policy = RetryPolicy(retries=4, backoff=0.5, max_delay=3.0)
    assert [policy.delay(n, 503) for n in range(5)] == [0.5, 1.0, 2.0, 3.0, None]
    assert policy.delay(0, None) == 0.5  # no answer at all: worth another try
    assert policy.delay(0, 429, retry_after=2.5) == 2.5
    assert policy.delay(0, 503, retry_after=60) == 3.0


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409])
def test_client_errors_are_not_retried(status: int) -> None:
    assert RetryPolicy().delay(0, status) is None


def test_no_retries_means_one_attempt() -> None:
    assert RetryPolicy(retries=0).delay(0, 503) is None


def test_the_cli_defaults_are_the_library_defaults() -> None:
    from jenkins_docker_sdk import cli
    from jenkins_docker_sdk.apply import DEFAULT_CONCURRENCY
    from jenkins_docker_sdk.clients import DEFAULT_TOKEN_ENV

    assert (cli.APPLY_CONCURRENCY, cli.TOKEN_ENV) == (DEFAULT_CONCURRENCY, DEFAULT_TOKEN_ENV)


def test_only_jds_apply_imports_python_jenkins() -> None:
    """Rendering (and its spawned workers) does not pay for importing python-jenkins."""
    code = "import sys, jenkins_docker_sdk.cli, jenkins_docker_sdk.render; print('jenkins' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_no_client_library_is_imported_before_a_client_is_made() -> None:
    """The stages import the adapters and their protocols, but python-jenkins (with requests)
    and the docker SDK are imported only when a client is made or first talks."""
    code = """if True:
        import sys
        import jenkins_docker_sdk.apply, jenkins_docker_sdk.credentials, jenkins_docker_sdk.provisioning
        import jenkins_docker_sdk.validation, jenkins_docker_sdk.clients.docker
        from jenkins_docker_sdk.clients import JenkinsClient
        from jenkins_docker_sdk.clients.docker import DockerEngine
        def loaded():
            return [name for name in ("jenkins", "requests", "docker") if name in sys.modules]
        print(loaded())
        engine = DockerEngine(url="unix:///nonexistent/docker.sock")
        JenkinsClient(url="http://jenkins.test")
        print(loaded())
        engine.api
        print(loaded())
    """
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines() == [
        "[]",
        "['jenkins', 'requests']",
        "['jenkins', 'requests', 'docker']",
    ]
