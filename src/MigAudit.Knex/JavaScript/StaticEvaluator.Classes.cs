using Acornima.Ast;

namespace MigAudit.Knex.JavaScript;

/// <summary>
/// A property of an instance of a project class (<c>database.environmentsConfig</c> with
/// <c>const database = new BaseDatabase(config, logger)</c>): a getter's returned value, a field the constructor
/// assigns from its parameters (<c>this.appConfig = config</c>), or a field initialiser, with <c>this</c> bound to
/// the instance. A method, or a field assigned anywhere else, is not followed.
/// </summary>
public sealed partial class StaticEvaluator
{
    private StaticValue ReadInstanceMember(JsInstance instance, string key, string text, int depth)
    {
        if (depth > MaxDepth || Load(instance.Class.File) is not { } module)
        {
            return new JsUnknown(text, "class not readable");
        }

        var members = instance.Class.Declaration.Body.Body;
        var locals = new Dictionary<string, StaticValue>(StringComparer.Ordinal) { ["this"] = instance };
        foreach (var member in members)
        {
            switch (member)
            {
                case MethodDefinition { Static: false, Kind: PropertyKind.Get, Computed: false, Key: Identifier name, Value: FunctionExpression { Body: { } body } }
                    when name.Name == key:
                    return RunFunctionBody(body, module, locals, text, depth + 1);
                case PropertyDefinition { Static: false, Computed: false, Key: Identifier name, Value: { } initial } when name.Name == key:
                    return Evaluate(initial, module.WithLocals(locals), depth + 1);
            }
        }

        // constructor(config) { this.appConfig = config; }: the argument the instance was created with.
        if (members.OfType<MethodDefinition>().FirstOrDefault(m => m.Kind == PropertyKind.Constructor)?.Value is FunctionExpression constructor &&
            constructor.Body.Body.OfType<ExpressionStatement>()
                .Select(s => s.Expression)
                .OfType<AssignmentExpression>()
                .LastOrDefault(a => a is { Operator: Acornima.Operator.Assignment, Left: MemberExpression { Computed: false, Object: ThisExpression, Property: Identifier field } } && field.Name == key) is { } assigned)
        {
            var parameters = new Dictionary<string, StaticValue>(locals, StringComparer.Ordinal);
            return BindParameters(constructor, module, instance.Arguments, parameters, depth + 1)
                ? Evaluate(assigned.Right, module.WithLocals(parameters), depth + 1)
                : new JsUnknown(text, "constructor parameters not statically known");
        }

        return new JsUnknown(text, "instance member not followed");
    }
}
