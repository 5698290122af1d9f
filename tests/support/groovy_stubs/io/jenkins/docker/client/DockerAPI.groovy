package io.jenkins.docker.client

import groovy.transform.EqualsAndHashCode
import org.jenkinsci.plugins.docker.commons.credentials.DockerServerEndpoint

/** docker-plugin's DockerAPI(DockerServerEndpoint). */
@EqualsAndHashCode
class DockerAPI {
    final DockerServerEndpoint dockerHost

    DockerAPI(DockerServerEndpoint dockerHost) {
        this.dockerHost = dockerHost
    }
}
