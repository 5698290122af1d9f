// Compile-checks Groovy files with the real Groovy compiler. A line-oriented server, so that
// one JVM checks many files; each line on stdin is a request, each answer one JSON line.
//
// A file path: compiled to the CONVERSION phase, answered with
//   {"path": ..., "ok": true|false, "errors": [{"line", "column", "message"}],
//    "shape": [node kinds in visit order], "strings": [string constants in order]}
// "shape" abstracts the program's structure (calls, declarations, closures, operators)
// without the values of its string literals: two renders of one template with different
// data must have the same shape, or data escaped its literal.
//
// A JSON object {"path", "kind": "seed"|"pipeline"|"cloud", "run": true|false, "binding": {...},
// "summary": true|false}:
// compiled through CLASS_GENERATION (where "Method too large" and "String too long" are
// found) against the stub classes of the Jenkins, Job DSL and plugin APIs in the directory
// given as this script's argument, and with "run", run against them; answered with
//   {"path", "ok", "errors", "result"}: for a seed or a pipeline the calls it made (see
//   jds.stub.Recorder; with "summary", only how many of each top-level call), for a cloud
//   script the clouds it left and what it printed.
import groovy.json.JsonOutput
import org.codehaus.groovy.ast.ClassNode
import org.codehaus.groovy.ast.CodeVisitorSupport
import org.codehaus.groovy.ast.expr.*
import org.codehaus.groovy.ast.stmt.*
import org.codehaus.groovy.control.CompilationUnit
import org.codehaus.groovy.control.CompilerConfiguration
import org.codehaus.groovy.control.Phases
import org.codehaus.groovy.control.MultipleCompilationErrorsException
import org.codehaus.groovy.control.messages.SyntaxErrorMessage

class ShapeVisitor extends CodeVisitorSupport {
    List<String> shape = []
    List<String> strings = []

    void visitMethodCallExpression(MethodCallExpression call) {
        shape << ('call:' + call.methodAsString)
        super.visitMethodCallExpression(call)
    }
    void visitStaticMethodCallExpression(StaticMethodCallExpression call) {
        shape << ('static:' + call.method)
        super.visitStaticMethodCallExpression(call)
    }
    void visitConstructorCallExpression(ConstructorCallExpression call) {
        shape << ('new:' + call.type.name)
        super.visitConstructorCallExpression(call)
    }
    void visitConstantExpression(ConstantExpression constant) {
        if (constant.value instanceof String) {
            shape << 'string'
            strings << (String) constant.value
        } else {
            shape << ('const:' + constant.value)
        }
    }
    void visitGStringExpression(GStringExpression expression) {
        shape << 'gstring'
        super.visitGStringExpression(expression)
    }
    void visitVariableExpression(VariableExpression expression) {
        shape << ('var:' + expression.name)
    }
    void visitBinaryExpression(BinaryExpression expression) {
        shape << ('op:' + expression.operation.text)
        super.visitBinaryExpression(expression)
    }
    void visitClosureExpression(ClosureExpression expression) {
        shape << 'closure{'
        super.visitClosureExpression(expression)
        shape << '}'
    }
    void visitPropertyExpression(PropertyExpression expression) {
        shape << 'property'
        super.visitPropertyExpression(expression)
    }
    void visitMapExpression(MapExpression expression) {
        shape << ('map:' + expression.mapEntryExpressions.size())
        super.visitMapExpression(expression)
    }
    void visitListExpression(ListExpression expression) {
        shape << ('list:' + expression.expressions.size())
        super.visitListExpression(expression)
    }
    void visitBlockStatement(BlockStatement block) {
        shape << ('block:' + block.statements.size())
        super.visitBlockStatement(block)
    }
}

def check(String path) {
    def result = [path: path, ok: true, errors: [], shape: [], strings: []]
    def unit = new CompilationUnit(new CompilerConfiguration())
    unit.addSource(new File(path))
    try {
        unit.compile(Phases.CONVERSION)
    } catch (MultipleCompilationErrorsException e) {
        result.ok = false
        e.errorCollector.errors.each { error ->
            if (error instanceof SyntaxErrorMessage) {
                def cause = error.cause
                result.errors << [line: cause.line, column: cause.startColumn, message: cause.message]
            } else {
                result.errors << [line: 0, column: 0, message: error.toString()]
            }
        }
        return result
    }
    def visitor = new ShapeVisitor()
    unit.iterator().each { source ->
        def module = source.AST
        module.statementBlock.visit(visitor)
        module.methods.each { method -> method.code?.visit(visitor) }
        module.classes.each { ClassNode node ->
            if (!node.script) {
                node.methods.each { method -> method.code?.visit(visitor) }
            }
        }
    }
    result.shape = visitor.shape
    result.strings = visitor.strings
    return result
}

File compileStubs(File sources) {
    File classes = File.createTempDir('jds-groovy-stubs', '')
    classes.deleteOnExit()
    CompilerConfiguration config = new CompilerConfiguration()
    config.targetDirectory = classes
    def unit = new CompilationUnit(config)
    sources.eachFileRecurse { if (it.name.endsWith('.groovy')) unit.addSource(it) }
    unit.compile()
    return classes
}

def errorsOf(MultipleCompilationErrorsException e) {
    e.errorCollector.errors.collect { error ->
        if (error instanceof SyntaxErrorMessage) {
            def cause = error.cause
            [line: cause.line, column: cause.startColumn, message: cause.message]
        } else {
            [line: 0, column: 0, message: error.hasProperty('cause') && error.cause ? error.cause.toString() : error.toString()]
        }
    }
}

/** Plain data for JSON: the stubs' objects as maps of their properties. */
def describe(value) {
    if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
        return value
    }
    if (value instanceof Enum) {
        return value.name()
    }
    if (value instanceof Map) {
        return value.collectEntries { k, v -> [(k.toString()): describe(v)] }
    }
    if (value instanceof Collection || value.getClass().isArray()) {
        return value.collect { describe(it) }
    }
    def described = [type: value.getClass().name]
    value.properties.each { k, v ->
        if (k != 'class' && k != 'metaClass') {
            described[k] = describe(v)
        }
    }
    return described
}

CompilerConfiguration configFor(String kind) {
    CompilerConfiguration config = new CompilerConfiguration()
    String base = [seed: 'jds.stub.JobDslScript', pipeline: 'jds.stub.PipelineScript'][kind]
    if (base != null) {
        config.scriptBaseClass = base
    }
    return config
}

/** Compiles sources (class name -> text) in one unit through class generation; the errors. */
def generateClasses(Map<String, String> sources, String kind, ClassLoader stubs) {
    CompilerConfiguration config = configFor(kind)
    def unit = new CompilationUnit(config, null, new GroovyClassLoader(stubs, config))
    sources.each { name, text -> unit.addSource(name, text) }
    try {
        unit.compile(Phases.CLASS_GENERATION)
        return []
    } catch (MultipleCompilationErrorsException e) {
        return errorsOf(e)
    }
}

/**
 * Many files of one kind through class generation, in one compilation unit (far faster than
 * one each); when that fails, each file alone, to name the ones that fail.
 */
def compileMany(Map request, ClassLoader stubs) {
    List<String> paths = request.paths
    Map<String, String> sources = [:]
    paths.eachWithIndex { String path, int n -> sources['Script' + n] = new File(path).getText('UTF-8') }
    def result = [paths: paths.size(), ok: true, failures: [:]]
    if (generateClasses(sources, request.kind, stubs)) {
        paths.eachWithIndex { String path, int n ->
            def errors = generateClasses([WorkflowScript: sources['Script' + n]], request.kind, stubs)
            if (errors) {
                result.failures[path] = errors
            }
        }
        result.ok = false
    }
    return result
}

def compileAndRun(Map request, ClassLoader stubs) {
    def result = [path: request.path, ok: true, errors: [], result: null]
    CompilerConfiguration config = configFor(request.kind)
    def binding = new Binding((request.binding ?: [:]) as Map)
    def printed = new StringWriter()
    binding.setVariable('out', new PrintWriter(printed, true))
    def shell = new GroovyShell(stubs, binding, config)
    Script script
    try {
        // the class names the controller gives them: workflow-cps compiles a Pipeline as
        // WorkflowScript, Job DSL names a seed after its file, the script console Script1
        String name = [pipeline: 'WorkflowScript', seed: 'seed'][request.kind] ?: 'Script1'
        script = shell.parse(new File((String) request.path).getText('UTF-8'), name)
    } catch (MultipleCompilationErrorsException e) {
        result.ok = false
        result.errors = errorsOf(e)
        return result
    }
    if (!request.run) {
        return result
    }
    try {
        if (request.kind == 'cloud') {
            def jenkins = stubs.loadClass('jenkins.model.Jenkins')
            jenkins.instance = jenkins.newInstance()
            List runs = []
            (request.runs ?: 1).times {
                script.run()
                runs << [clouds: describe(jenkins.instance.clouds), saves: jenkins.instance.saves]
            }
            result.result = [runs: runs, printed: printed.toString()]
        } else {
            script.run()
            List calls = script.recorder.calls
            if (request.summary) {  // a large farm: how many of each top-level call, not the calls
                result.result = [counts: calls.countBy { it.name }, printed: printed.toString()]
            } else {
                result.result = [calls: describe(calls), printed: printed.toString()]
            }
        }
    } catch (Throwable t) {
        result.ok = false
        result.errors = [[line: 0, column: 0, message: 'run: ' + t.toString()]]
    }
    return result
}

ClassLoader stubs = new URLClassLoader([compileStubs(new File(args[0])).toURI().toURL()] as URL[], this.class.classLoader)
def slurper = new groovy.json.JsonSlurper()
def input = new BufferedReader(new InputStreamReader(System.in, 'UTF-8'))
def output = new PrintStream(System.out, true, 'UTF-8')
String line
while ((line = input.readLine()) != null) {
    if (line.trim()) {
        def result
        try {
            if (line.trim().startsWith('{')) {
                Map request = (Map) slurper.parseText(line)
                result = request.paths != null ? compileMany(request, stubs) : compileAndRun(request, stubs)
            } else {
                result = check(line.trim())
            }
        } catch (Throwable t) {
            result = [path: line.trim(), ok: false, errors: [[line: 0, column: 0, message: t.toString()]], shape: [], strings: []]
        }
        output.println(JsonOutput.toJson(result))
    }
}
