package io.jenkins.docker.connector

import groovy.transform.EqualsAndHashCode

/** docker-plugin's connectors, with the constructors and setters the cloud script calls. */
abstract class DockerComputerConnector {
}

@EqualsAndHashCode
class DockerComputerAttachConnector extends DockerComputerConnector {
    String user

    DockerComputerAttachConnector(String user) {
        this.user = user
    }
}

@EqualsAndHashCode
class DockerComputerJNLPConnector extends DockerComputerConnector {
    String user
    String jenkinsUrl

    DockerComputerJNLPConnector() {
    }
}

@EqualsAndHashCode
class DockerComputerSSHConnector extends DockerComputerConnector {
    final SSHKeyStrategy sshKeyStrategy
    int port

    DockerComputerSSHConnector(SSHKeyStrategy sshKeyStrategy) {
        this.sshKeyStrategy = sshKeyStrategy
    }

    abstract static class SSHKeyStrategy {
    }

    @EqualsAndHashCode
    static class InjectSSHKey extends SSHKeyStrategy {
        final String user

        InjectSSHKey(String user) {
            this.user = user
        }
    }
}
