FROM jenkins/inbound-agent:latest
LABEL io.jenkins.agent.labels="linux java"
