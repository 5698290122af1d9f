package jds.stub

/** A Pipeline script's steps (workflow-basic-steps, credentials-binding, git, timestamper), as recorded calls. */
abstract class PipelineScript extends Script {
    static final Set<String> STEPS = [
        'node', 'timeout', 'timestamps', 'stage', 'git', 'withCredentials', 'string', 'file', 'usernamePassword',
        'sshUserPrivateKey', 'certificate', 'sh', 'echo',
    ] as Set

    final Recorder recorder = new Recorder(STEPS)

    def methodMissing(String name, Object args) {
        return recorder.methodMissing(name, args)
    }
}
