package com.nirima.jenkins.plugins.docker

import com.nirima.jenkins.plugins.docker.strategy.DockerOnceRetentionStrategy
import groovy.transform.EqualsAndHashCode
import hudson.model.Node
import io.jenkins.docker.client.DockerAPI
import io.jenkins.docker.connector.DockerComputerConnector

/** docker-plugin's cloud and templates, with the constructors and setters the cloud script calls. */
enum DockerImagePullStrategy { PULL_ALWAYS, PULL_LATEST, PULL_NEVER }

@EqualsAndHashCode
class DockerTemplateBase {
    final String image
    Integer memoryLimit
    String cpus
    String[] mounts

    DockerTemplateBase(String image) {
        this.image = image
    }
}

@EqualsAndHashCode
class DockerTemplate {
    final DockerTemplateBase dockerTemplateBase
    final DockerComputerConnector connector
    final String labelString
    final int instanceCap
    String name
    Node.Mode mode
    String remoteFs
    DockerImagePullStrategy pullStrategy
    boolean removeVolumes
    DockerOnceRetentionStrategy retentionStrategy

    DockerTemplate(DockerTemplateBase dockerTemplateBase, DockerComputerConnector connector, String labelString,
                   String instanceCapStr) {
        this.dockerTemplateBase = dockerTemplateBase
        this.connector = connector
        this.labelString = labelString ?: null
        this.instanceCap = instanceCapStr ? Integer.parseInt(instanceCapStr) : Integer.MAX_VALUE
    }
}

@EqualsAndHashCode
class DockerCloud {
    final String name
    final DockerAPI dockerApi
    final List<DockerTemplate> templates
    int containerCap
    Integer errorDuration

    DockerCloud(String name, DockerAPI dockerApi, List<DockerTemplate> templates) {
        this.name = name
        this.dockerApi = dockerApi
        this.templates = templates
    }
}
