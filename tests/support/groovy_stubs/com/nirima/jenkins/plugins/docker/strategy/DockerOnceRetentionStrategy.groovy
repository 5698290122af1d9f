package com.nirima.jenkins.plugins.docker.strategy

import groovy.transform.EqualsAndHashCode

/** docker-plugin's DockerOnceRetentionStrategy(idleMinutes). */
@EqualsAndHashCode
class DockerOnceRetentionStrategy {
    final int idleMinutes

    DockerOnceRetentionStrategy(int idleMinutes) {
        this.idleMinutes = idleMinutes
    }
}
