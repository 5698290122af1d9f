package jds.stub

/**
 * Job DSL contexts and Pipeline steps as far as generated scripts use them: each call of an
 * allowed method is recorded with its arguments, and a closure argument runs at once against
 * a new recorder (delegate first, as Job DSL's ContextHelper and Pipeline's CPS run them).
 * A method that is not allowed fails, as it would on a controller that lacks it.
 */
class Recorder {
    final Set<String> allowed
    final List<Map> calls = []

    Recorder(Set<String> allowed) {
        this.allowed = allowed
    }

    def methodMissing(String name, Object argsObject) {
        Object[] args = (Object[]) argsObject
        if (!allowed.contains(name)) {
            throw new MissingMethodException(name, Recorder, args)
        }
        Map call = [name: name, args: args.findAll { !(it instanceof Closure) }, body: []]
        calls << call
        Closure closure = (Closure) args.find { it instanceof Closure }
        if (closure != null) {
            Recorder inner = new Recorder(allowed)
            Closure body = (Closure) closure.clone()
            body.delegate = inner
            body.resolveStrategy = Closure.DELEGATE_FIRST
            body.call()
            call.body = inner.calls
        }
        return call
    }
}
