package jds.stub

/** Job DSL's script base class (javaposse.jobdsl.dsl.JobParent), as far as the seed calls it. */
abstract class JobDslScript extends Script {
    static final Set<String> METHODS = [
        'folder', 'pipelineJob', 'description', 'logRotator', 'numToKeep', 'properties', 'pipelineTriggers',
        'triggers', 'cron', 'spec', 'pollSCM', 'scmpoll_spec', 'definition', 'cps', 'script', 'sandbox',
    ] as Set

    final Recorder recorder = new Recorder(METHODS)

    /** DslFactory.readFileFromWorkspace: a workspace file's text (absolute paths as FilePath.child takes them). */
    String readFileFromWorkspace(String path) {
        File file = new File(path)
        if (!file.isAbsolute()) {
            file = new File((String) binding.getVariable('WORKSPACE'), path)
        }
        if (!file.isFile()) {
            throw new IllegalStateException("File ${path} does not exist in workspace")
        }
        return file.getText('UTF-8')
    }

    def methodMissing(String name, Object args) {
        return recorder.methodMissing(name, args)
    }
}
