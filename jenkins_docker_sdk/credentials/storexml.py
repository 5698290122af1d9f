"""A credential as the credentials plugin's ``config.xml`` (what ``createCredentials`` takes).

Built with ElementTree, so values are escaped by a real XML library. Class names are those
of the credentials, plain-credentials and ssh-credentials plugins.
"""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

from jenkins_docker_sdk.credentials.values import CredentialValues

CLASSES = {
    "string": "org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl",
    "username_password": "com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl",
    "ssh_key": "com.cloudbees.jenkins.plugins.sshcredentials.impl.BasicSSHUserPrivateKey",
    "file": "org.jenkinsci.plugins.plaincredentials.impl.FileCredentialsImpl",
    "certificate": "com.cloudbees.plugins.credentials.impl.CertificateCredentialsImpl",
}
_DIRECT_ENTRY = CLASSES["ssh_key"] + "$DirectEntryPrivateKeySource"
_UPLOADED = CLASSES["certificate"] + "$UploadedKeyStoreSource"


def credential_xml(values: CredentialValues) -> str:
    """The ``config.xml`` of one credential, values included: send it, never show it."""
    credential = values.credential
    root = ET.Element(CLASSES[credential.type])
    _add(root, "scope", "GLOBAL")
    _add(root, "id", credential.id)
    _add(root, "description", credential.description)
    reveal = values.reveal
    kind = credential.type
    if kind == "string":
        _add(root, "secret", reveal("SECRET"))
    elif kind == "username_password":
        _add(root, "username", reveal("USERNAME"))
        _add(root, "password", reveal("PASSWORD"))
    elif kind == "ssh_key":
        _add(root, "username", reveal("USERNAME"))
        if (passphrase := reveal("PASSPHRASE")) is not None:
            _add(root, "passphrase", passphrase)
        source = ET.SubElement(root, "privateKeySource", {"class": _DIRECT_ENTRY})
        _add(source, "privateKey", reveal("PRIVATE_KEY"))
    elif kind == "file":
        _add(root, "fileName", credential.id)
        content = (reveal("CONTENT") or "").encode("utf-8")
        _add(root, "secretBytes", base64.b64encode(content).decode("ascii"))
    else:
        if (password := reveal("PASSWORD")) is not None:
            _add(root, "password", password)
        source = ET.SubElement(root, "keyStoreSource", {"class": _UPLOADED})
        _add(source, "uploadedKeystoreBytes", (reveal("KEYSTORE_BASE64") or "").strip())
    return "<?xml version='1.1' encoding='UTF-8'?>\n" + ET.tostring(root, encoding="unicode") + "\n"


def _add(parent: ET.Element, tag: str, text: str | None) -> None:
    ET.SubElement(parent, tag).text = text or ""
