"""config.xml as Jenkins reads it: item types, description, disabled, parameters, nodes, credentials."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from xml.sax.saxutils import escape

from jenkins_docker_sdk.testing._errors import server_error

FOLDER_CLASS = "com.cloudbees.hudson.plugins.folder.Folder"
#: XStream aliases of the item types (the root element of an item's config.xml) -> Java class.
ITEM_CLASSES = {
    "project": "hudson.model.FreeStyleProject",
    "flow-definition": "org.jenkinsci.plugins.workflow.job.WorkflowJob",
    "matrix-project": "hudson.matrix.MatrixProject",
    "maven2-moduleset": "hudson.maven.MavenModuleSet",
}
#: Item types that hold other items (``createItem`` works inside them).
FOLDER_CLASSES = frozenset(
    {
        FOLDER_CLASS,
        "jenkins.branch.OrganizationFolder",
        "org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject",
    }
)
#: The ``mode`` values of createItem's form and the config.xml each starts from.
ITEM_MODES = {
    "hudson.model.FreeStyleProject": "project",
    "org.jenkinsci.plugins.workflow.job.WorkflowJob": "flow-definition",
    FOLDER_CLASS: FOLDER_CLASS,
}
#: Elements of a credential's config.xml that hold a Secret or SecretBytes.
SECRET_ELEMENTS = frozenset(
    {"password", "secret", "passphrase", "privateKey", "secretBytes", "uploadedKeystoreBytes", "token"}
)
CREDENTIAL_TYPES = {
    "com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl": "Username with password",
    "org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl": "Secret text",
    "org.jenkinsci.plugins.plaincredentials.impl.FileCredentialsImpl": "Secret file",
    "com.cloudbees.jenkins.plugins.sshcredentials.impl.BasicSSHUserPrivateKey": (
        "SSH Username with private key"
    ),
    "com.cloudbees.plugins.credentials.impl.CertificateCredentialsImpl": "Certificate",
}


def parse(config_xml: str, what: str = "config.xml") -> ET.Element:
    """The root element, or the 500 Jenkins answers for XML it cannot read."""
    try:
        return ET.fromstring(config_xml.encode("utf-8"))
    except ET.ParseError as exc:
        raise server_error(f"java.io.IOException: Failed to persist {what}: {exc}") from None


def item_class(root: ET.Element) -> str:
    """The Java class of an item from its root element (an XStream alias or a class name)."""
    if root.tag in ITEM_CLASSES:
        return ITEM_CLASSES[root.tag]
    if "." in root.tag:
        return root.tag
    raise server_error(f"com.thoughtworks.xstream.mapper.CannotResolveClassException: {root.tag}")


def description(root: ET.Element) -> str | None:
    """``<description>``'s text: None without the element, "" when it is empty."""
    element = root.find("description")
    return None if element is None else (element.text or "")


def is_disabled(root: ET.Element) -> bool:
    return (root.findtext("disabled") or "").strip() == "true"


_DISABLED = r"<disabled\s*/>|<disabled>[^<]*</disabled>"


def with_disabled(config_xml: str, disabled: bool) -> str:
    """The config with ``<disabled>`` set, edited in place as ``makeDisabled`` saves it."""
    value = "true" if disabled else "false"
    new, count = re.subn(_DISABLED, f"<disabled>{value}</disabled>", config_xml, count=1)
    if count:
        return new
    closing = config_xml.rstrip().rfind("</")
    return config_xml[:closing] + f"  <disabled>{value}</disabled>\n" + config_xml[closing:]


def parameters(root: ET.Element) -> list[tuple[str, str]]:
    """The build parameters (name, default) of ``ParametersDefinitionProperty``, in order."""
    found = []
    for prop in root.iter("hudson.model.ParametersDefinitionProperty"):
        for definition in prop.iterfind("parameterDefinitions/*"):
            name = definition.findtext("name")
            if name:
                found.append((name, definition.findtext("defaultValue") or ""))
    return found


def new_item_xml(mode: str) -> str:
    """The config.xml of an item created from the "New Item" form with ``mode``."""
    tag = ITEM_MODES[mode]
    if tag == FOLDER_CLASS:
        return (
            "<?xml version='1.1' encoding='UTF-8'?>\n"
            f'<{FOLDER_CLASS} plugin="cloudbees-folder@6.955">\n  <actions/>\n  <description></description>\n'
            f"  <properties/>\n  <folderViews/>\n  <healthMetrics/>\n</{FOLDER_CLASS}>\n"
        )
    return (
        f"<?xml version='1.1' encoding='UTF-8'?>\n<{tag}>\n  <description></description>\n"
        f"  <disabled>false</disabled>\n</{tag}>\n"
    )


def node_xml(
    name: str,
    labels: str,
    mode: str,
    *,
    executors: int = 1,
    remote_fs: str = "/home/jenkins/agent",
    description: str = "",
    launcher: str = "hudson.slaves.JNLPLauncher",
    launcher_fields: Mapping[str, str] | None = None,
) -> str:
    """A ``DumbSlave``'s config.xml as ``computer/NAME/config.xml`` returns it."""
    fields = "".join(f"\n    <{k}>{escape(v)}</{k}>" for k, v in (launcher_fields or {}).items())
    launcher_xml = (
        f'  <launcher class="{escape(launcher)}">{fields}\n  </launcher>\n'
        if fields
        else f'  <launcher class="{escape(launcher)}"/>\n'
    )
    return (
        "<?xml version='1.1' encoding='UTF-8'?>\n<slave>\n"
        f"  <name>{escape(name)}</name>\n  <description>{escape(description)}</description>\n"
        f"  <remoteFS>{escape(remote_fs)}</remoteFS>\n  <numExecutors>{executors}</numExecutors>\n"
        f"  <mode>{escape(mode)}</mode>\n"
        '  <retentionStrategy class="hudson.slaves.RetentionStrategy$Always"/>\n'
        f"{launcher_xml}"
        f"  <label>{escape(labels)}</label>\n  <nodeProperties/>\n</slave>\n"
    )


_LABEL = re.compile(r'"((?:[^"\\]|\\.)*)"|([^\s"]+)')


def split_labels(text: str) -> tuple[str, ...]:
    """A node's label string as Jenkins splits it: on whitespace, double quotes group."""
    return tuple(
        bare or re.sub(r"\\(.)", r"\1", quoted) for quoted, bare in _LABEL.findall(text) if bare or quoted
    )


#: Nested classes a credential's config.xml may name (``class=`` attributes): the key and
#: keystore sources of the ssh-credentials and credentials plugins.
CREDENTIAL_PARTS = frozenset(
    {
        "com.cloudbees.jenkins.plugins.sshcredentials.impl.BasicSSHUserPrivateKey$DirectEntryPrivateKeySource",
        "com.cloudbees.plugins.credentials.impl.CertificateCredentialsImpl$UploadedKeyStoreSource",
    }
)


def credential_id(root: ET.Element) -> str:
    # The credentials plugin unmarshals the body with XStream (DomainWrapper.doCreateCredentials,
    # CredentialsWrapper.updateByXml): a class no installed plugin provides fails with a 500.
    for element in root.iter():
        name = element.tag if element is root else element.get("class")
        if name is not None and name not in CREDENTIAL_TYPES and name not in CREDENTIAL_PARTS:
            raise server_error(f"com.thoughtworks.xstream.mapper.CannotResolveClassException: {name}")
    value = (root.findtext("id") or "").strip()
    if not value:
        raise server_error("java.io.IOException: Failed to parse credential: no <id>")
    return value


def redacted(config_xml: str) -> str:
    """The credential as ``config.xml`` GET shows it: every Secret as ``<secret-redacted/>``."""
    root = ET.fromstring(config_xml.encode("utf-8"))
    for element in root.iter():
        if element.tag in SECRET_ELEMENTS and len(element) == 0:
            element.text = None
            element.append(ET.Element("secret-redacted"))
    return "<?xml version='1.1' encoding='UTF-8'?>\n" + ET.tostring(root, encoding="unicode") + "\n"


def check_same_type(old: ET.Element, new: ET.Element, what: str) -> None:
    """Updating by XML may not change an object's type (``updateByXml``)."""
    if old.tag != new.tag:
        raise server_error(f"java.io.IOException: Expecting {what} {old.tag} but got {new.tag} instead")


def agent_jnlp(root: str, name: str, secret: str) -> str:
    """``slave-agent.jnlp.jelly``: the JNLP file an inbound agent is started from."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<jnlp codebase="{escape(root)}computer/{escape(name)}/" spec="1.0+">\n'
        f"  <information><title>Agent for {escape(name)}</title><vendor>Jenkins project</vendor>"
        f'<homepage href="https://jenkins.io/"/></information>\n'
        '  <security><all-permissions/></security>\n  <resources><j2se version="1.8+"/>'
        f'<jar href="{escape(root)}jnlpJars/remoting.jar"/></resources>\n'
        '  <application-desc main-class="hudson.remoting.jnlp.Main">\n'
        f"    <argument>{escape(secret)}</argument>\n    <argument>{escape(name)}</argument>\n"
        f"    <argument>-url</argument>\n    <argument>{escape(root)}</argument>\n"
        "  </application-desc>\n</jnlp>\n"
    )
