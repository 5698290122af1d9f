"""Authentication (401/403), CSRF crumbs, permissions, and secrets kept out of logs and reprs."""

from __future__ import annotations

import jenkins
import pytest
import requests

from jenkins_docker_sdk.testing import MockJenkins

URL = "http://jenkins.test"


def test_bad_credentials_are_a_401_with_basic_realm() -> None:
    with MockJenkins(URL, users={"admin": "right-token"}):
        server = jenkins.Jenkins(URL, username="admin", password="wrong-token")
        with pytest.raises(jenkins.JenkinsException, match=r"\[401\]") as raised:
            server.get_whoami()
        assert "Invalid password/token for user: admin" in str(raised.value)
        response = requests.get(f"{URL}/api/json", auth=("admin", "wrong-token"))
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == 'Basic realm="Jenkins"'
        assert requests.get(f"{URL}/api/json", auth=("nobody", "x")).status_code == 401


def test_anonymous_requests_are_asked_to_log_in_unless_anonymous_may_read() -> None:
    with MockJenkins(URL, users={"admin": "t"}) as mock:
        response = requests.get(f"{URL}/api/json")
        assert response.status_code == 403
        assert "Authentication required" in response.text
        assert response.headers["X-You-Are-Authenticated-As"] == "anonymous"
        assert response.headers["X-Required-Permission"] == "hudson.model.Hudson.Read"
        with pytest.raises(jenkins.JenkinsException, match=r"\[403\]"):
            jenkins.Jenkins(URL).get_jobs()
        who = requests.get(f"{URL}/whoAmI/api/json").json()  # readable without Overall/Read
        assert (who["name"], who["anonymous"]) == ("anonymous", True)
        assert mock.request_log[-1].status == 200
    with MockJenkins(URL, users={"admin": "t"}, anonymous_read=True) as mock:
        mock.add_job("web")
        assert [job["name"] for job in jenkins.Jenkins(URL).get_jobs()] == ["web"]
        with pytest.raises(jenkins.JenkinsException, match=r"\[403\]"):  # reading only
            jenkins.Jenkins(URL).create_job("other", jenkins.EMPTY_CONFIG_XML)
        assert set(mock.jobs) == {"web"}


def test_without_users_any_credentials_log_in_as_that_user_who_may_do_anything() -> None:
    with MockJenkins(URL) as mock:
        bob = jenkins.Jenkins(URL, username="bob", password="any-token-at-all")
        assert bob.get_whoami()["id"] == "bob"  # not a 403 "Authentication required"
        assert requests.get(f"{URL}/whoAmI/api/json", auth=("bob", "x")).json()["name"] == "bob"
        bob.create_job("web", jenkins.EMPTY_CONFIG_XML)
        # as with a valid API token: a POST needs no crumb
        xml = {"data": jenkins.EMPTY_CONFIG_XML, "headers": {"Content-Type": "text/xml"}}
        assert requests.post(f"{URL}/createItem?name=api", auth=("bob", "x"), **xml).status_code == 200
        assert requests.post(f"{URL}/createItem?name=anon", **xml).status_code == 403  # no crumb
        assert set(mock.jobs) == {"web", "api"}
        assert bob.get_info()["useSecurity"] is True


def test_without_users_requests_without_credentials_are_anonymous_and_may_do_anything() -> None:
    with MockJenkins(URL) as mock:
        server = jenkins.Jenkins(URL)
        server.create_job("web", jenkins.EMPTY_CONFIG_XML)
        assert set(mock.jobs) == {"web"}
        assert requests.get(f"{URL}/whoAmI/api/json").json()["anonymous"] is True
        with pytest.raises(jenkins.JenkinsException, match=r"\[403\]"):  # /me needs a logged-in user
            server.get_whoami()
        mock.deny("Job/Create", user="bob")  # deny still applies, per user
        with pytest.raises(jenkins.JenkinsException, match=r"\[403\]"):
            jenkins.Jenkins(URL, username="bob", password="t").create_job("x", jenkins.EMPTY_CONFIG_XML)


def test_without_users_a_malformed_header_or_a_reserved_name_is_still_a_401() -> None:
    with MockJenkins(URL):
        response = requests.get(f"{URL}/api/json", headers={"Authorization": "Basic bm8tY29sb24="})
        assert response.status_code == 401
        assert "Malformed HTTP basic Authorization header" in response.text
        for reserved in ("", " ", "anonymous", "SYSTEM", "Unknown"):  # names no account can have
            response = requests.get(f"{URL}/api/json", auth=(reserved, "x"))
            assert response.status_code == 401
            assert f"Invalid password/token for user: {reserved}" in response.text


def test_whoami_names_the_user() -> None:
    with MockJenkins(URL, users={"alice": "alice-token"}):
        me = jenkins.Jenkins(URL, username="alice", password="alice-token").get_whoami()
        assert (me["id"], me["fullName"], me["_class"]) == ("alice", "alice", "hudson.model.User")


def test_crumbs_are_needed_for_posts_except_with_an_api_token() -> None:
    with MockJenkins(URL, users={"admin": "api-token"}) as mock:
        mock.add_user("bob", password="bob-password")
        xml = {"data": jenkins.EMPTY_CONFIG_XML, "headers": {"Content-Type": "text/xml"}}
        refused = requests.post(f"{URL}/createItem?name=a", auth=("bob", "bob-password"), **xml)
        assert refused.status_code == 403
        assert "No valid crumb was included in the request" in refused.text

        crumb = requests.get(f"{URL}/crumbIssuer/api/json", auth=("bob", "bob-password")).json()
        assert crumb["crumbRequestField"] == "Jenkins-Crumb"
        headers = {"Content-Type": "text/xml", crumb["crumbRequestField"]: crumb["crumb"]}
        accepted = requests.post(
            f"{URL}/createItem?name=a",
            auth=("bob", "bob-password"),
            data=jenkins.EMPTY_CONFIG_XML,
            headers=headers,
        )
        assert accepted.status_code == 200
        wrong = dict(headers, **{"Jenkins-Crumb": "f" * 64})
        assert (
            requests.post(
                f"{URL}/createItem?name=b",
                auth=("bob", "bob-password"),
                data=jenkins.EMPTY_CONFIG_XML,
                headers=wrong,
            ).status_code
            == 403
        )
        # ApiCrumbExclusion: requests authenticated with an API token need no crumb.
        assert (
            requests.post(f"{URL}/createItem?name=c", auth=("admin", "api-token"), **xml).status_code == 200
        )
        # python-jenkins fetches a crumb itself, so a password user works through it.
        jenkins.Jenkins(URL, username="bob", password="bob-password").create_job(
            "d", jenkins.EMPTY_CONFIG_XML
        )
        assert set(mock.jobs) == {"a", "c", "d"}


def test_without_crumbs_the_issuer_is_404_and_python_jenkins_goes_on() -> None:
    with MockJenkins(URL, crumbs=False) as mock:
        assert requests.get(f"{URL}/crumbIssuer/api/json").status_code == 404
        jenkins.Jenkins(URL).create_job("web", jenkins.EMPTY_CONFIG_XML)
        assert set(mock.jobs) == {"web"}
        mock.crumbs = True
        refused = requests.post(f"{URL}/job/web/disable")
        assert refused.status_code == 403


def test_a_denied_permission_is_a_403_naming_it() -> None:
    with MockJenkins(URL, users={"admin": "t", "ci": "ci-token"}) as mock:
        mock.add_job("web")
        mock.deny("Job/Configure", user="ci")
        ci = jenkins.Jenkins(URL, username="ci", password="ci-token")
        with pytest.raises(jenkins.JenkinsException, match="ci is missing the Job/Configure permission"):
            ci.reconfig_job("web", jenkins.RECONFIG_XML)
        response = requests.post(f"{URL}/job/web/disable", auth=("ci", "ci-token"))
        assert response.status_code == 403
        assert response.headers["X-Required-Permission"] == "hudson.model.Item.Configure"
        assert "hudson.model.Hudson.Administer" in response.headers["X-Permission-Implied-By"]
        jenkins.Jenkins(URL, username="admin", password="t").disable_job("web")  # others still may
        assert mock.job("web").disabled
        mock.allow(user="ci")
        ci.reconfig_job("web", jenkins.RECONFIG_XML)
        assert mock.jobs["web"] == jenkins.RECONFIG_XML
        mock.deny("Job/Create")  # everyone
        with pytest.raises(jenkins.JenkinsException, match="admin is missing the Job/Create permission"):
            jenkins.Jenkins(URL, username="admin", password="t").create_job("x", jenkins.EMPTY_CONFIG_XML)
        with pytest.raises(ValueError, match="unknown permission"):
            mock.deny("Job/Everything")


def test_no_secret_in_request_log_or_reprs() -> None:
    with MockJenkins(URL, users={"admin": "very-secret-token"}) as mock:
        mock.add_job("web")
        mock.add_credential("deploy", secret="hunter2-secret")
        server = jenkins.Jenkins(URL, username="admin", password="very-secret-token")
        server.build_job("web", token="build-trigger-secret")
        requests.get(
            f"{URL}/api/json", params={"password": "query-secret"}, auth=("admin", "very-secret-token")
        )
        text = repr(mock) + repr(mock.request_log) + repr(mock.credentials) + repr(mock.nodes)
        for secret in ("very-secret-token", "hunter2-secret", "build-trigger-secret", "query-secret"):
            assert secret not in text
        assert any(record.query == "token=****" for record in mock.request_log)
        credential = mock.credentials["deploy"]
        assert "hunter2-secret" not in credential.config_xml
        assert "hunter2-secret" in credential.raw_config_xml  # still there for a test that needs it
