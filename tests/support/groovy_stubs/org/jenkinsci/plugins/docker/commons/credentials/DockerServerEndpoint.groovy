package org.jenkinsci.plugins.docker.commons.credentials

import groovy.transform.EqualsAndHashCode

/** docker-commons' DockerServerEndpoint(uri, credentialsId). */
@EqualsAndHashCode
class DockerServerEndpoint {
    final String uri
    final String credentialsId

    DockerServerEndpoint(String uri, String credentialsId) {
        this.uri = uri
        this.credentialsId = credentialsId
    }
}
