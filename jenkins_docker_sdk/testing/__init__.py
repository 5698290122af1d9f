"""The testing kit: :class:`MockJenkins`, a fake Jenkins controller for tests of python-jenkins users.

Importing this package needs nothing beyond the SDK; activating a mock in ``responses`` mode
needs the ``testing`` extra (``pip install jenkins-docker-sdk[testing]``). See docs/testing.md.
"""

from __future__ import annotations

from jenkins_docker_sdk.testing._http import TEST_DOUBLE_NOTICE
from jenkins_docker_sdk.testing._security import PERMISSIONS
from jenkins_docker_sdk.testing._views import (
    BuildInfo,
    CredentialInfo,
    JobInfo,
    NodeInfo,
    QueuedBuild,
    RequestRecord,
)
from jenkins_docker_sdk.testing.mock import DEFAULT_JOB_XML, JENKINS_VERSION, MockJenkins, MockJenkinsServer

__all__ = [
    "DEFAULT_JOB_XML",
    "JENKINS_VERSION",
    "PERMISSIONS",
    "TEST_DOUBLE_NOTICE",
    "BuildInfo",
    "CredentialInfo",
    "JobInfo",
    "MockJenkins",
    "MockJenkinsServer",
    "NodeInfo",
    "QueuedBuild",
    "RequestRecord",
]
