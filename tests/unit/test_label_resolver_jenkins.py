"""LabelResolver.from_jenkins with the real python-jenkins client, against MockJenkins."""

from __future__ import annotations

import jenkins
import pytest

from jenkins_docker_sdk import AgentTemplate, InputError, JenkinsClient, LabelResolver, StaticNode
from jenkins_docker_sdk.testing import MockJenkins

URL = "http://jenkins.test"
WEB = AgentTemplate(
    name="web", team="t", repo="t/web", image="t/web", labels=["linux", "node20"], mode="exclusive"
)


@pytest.fixture
def client() -> jenkins.Jenkins:
    with MockJenkins(URL, users={"platform": "api-token"}) as mock:
        mock.add_node("mac-1", 'macos xcode15 "apple silicon"', mode="EXCLUSIVE")
        mock.add_node("builder-1", ["linux", "java"], mode="EXCLUSIVE")
        mock.add_node("spare", "linux", mode="NORMAL")
        mock.add_node("gone", "linux java", offline=True)
        mock.add_node("plain")
        yield jenkins.Jenkins(URL, username="platform", password="api-token")


def test_reads_static_nodes_through_python_jenkins(client: jenkins.Jenkins) -> None:
    resolver = LabelResolver.from_jenkins(client, [WEB])
    assert resolver.nodes == (  # the built-in node is skipped; order is the controller's
        StaticNode("mac-1", frozenset({"macos", "xcode15", "apple silicon"}), "exclusive"),
        StaticNode("builder-1", frozenset({"linux", "java"}), "exclusive"),
        StaticNode("spare", frozenset({"linux"}), "normal"),
        StaticNode("gone", frozenset({"linux", "java"}), "normal", offline=True),
        StaticNode("plain", frozenset(), "normal"),
    )
    mac, builder, spare, _gone, plain = resolver.nodes
    assert resolver.resolve('"apple silicon" && xcode15').nodes == (mac,)
    assert resolver.resolve("java").nodes == (builder,)  # the offline node serves nothing
    assert resolver.resolve("builder-1").nodes == (builder,)  # a node's own name is a label
    assert resolver.resolve(None).nodes == (spare, plain)  # exclusive nodes take no unlabeled job
    assert resolver.resolve("linux").first == WEB
    assert resolver.resolve("linux").nodes == (builder, spare)


def test_explains_with_the_nodes_read(client: jenkins.Jenkins) -> None:
    explanation = LabelResolver.from_jenkins(client, [WEB]).explain("java")
    assert "static nodes that can take it: builder-1" in explanation.to_text()
    verdicts = {v.name: v for v in explanation.nodes}
    assert verdicts["gone"].matches
    assert verdicts["gone"].offline
    assert verdicts["spare"].lacks == {"java"}


def test_a_node_whose_config_cannot_be_read_is_named() -> None:
    with MockJenkins(URL) as mock:
        mock.add_node("weird", "linux")
        config = mock.nodes["weird"].config_xml.replace("<mode>NORMAL</mode>", "<mode>SOMETIMES</mode>")
        jenkins.Jenkins(URL).reconfig_node("weird", config)
        with pytest.raises(InputError, match="node 'weird': unknown <mode> 'SOMETIMES'"):
            LabelResolver.from_jenkins(jenkins.Jenkins(URL))


def test_reads_the_same_nodes_through_the_sdks_jenkins_client(client: jenkins.Jenkins) -> None:
    sdk_client = JenkinsClient(url=URL, user="platform", token="api-token")
    assert (
        LabelResolver.from_jenkins(sdk_client, [WEB]).nodes == LabelResolver.from_jenkins(client, [WEB]).nodes
    )
