// Compile-checks Groovy files with the real Groovy compiler, to the CONVERSION phase.
// A line-oriented server, so that one JVM checks many files: it reads one file path per
// line on stdin and answers one JSON line per path:
//   {"path": ..., "ok": true|false, "errors": [{"line", "column", "message"}],
//    "shape": [node kinds in visit order], "strings": [string constants in order]}
// "shape" abstracts the program's structure (calls, declarations, closures, operators)
// without the values of its string literals: two renders of one template with different
// data must have the same shape, or data escaped its literal.
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

def input = new BufferedReader(new InputStreamReader(System.in, 'UTF-8'))
def output = new PrintStream(System.out, true, 'UTF-8')
String line
while ((line = input.readLine()) != null) {
    if (line.trim()) {
        def result
        try {
            result = check(line.trim())
        } catch (Throwable t) {
            result = [path: line.trim(), ok: false, errors: [[line: 0, column: 0, message: t.toString()]], shape: [], strings: []]
        }
        output.println(JsonOutput.toJson(result))
    }
}
