using Acornima;
using Acornima.Ast;
using MigAudit.Core;
using MigAudit.Knex.JavaScript;

namespace MigAudit.Knex.Schema;

/// <summary>What the replay knows a name in a migration function stands for: knex, a table builder, a value or a function.</summary>
public sealed partial class KnexSchemaInterpreter
{
    private abstract record Local;

    private sealed record KnexAlias : Local;

    private sealed record TableAlias(string Table, bool Creating) : Local;

    private sealed record ValueLocal(StaticValue Value) : Local;

    private sealed record FunctionLocal(IFunction Function, ModuleScope Scope) : Local;

    /// <summary>A builder held in a variable: it runs when the variable is awaited, returned, given to Promise.all or then()-ed.</summary>
    private sealed record PendingLocal(Node Builder, Frame Frame, CallChain Chain) : Local
    {
        // Mutable on purpose: the same held builder is found through every frame that sees the variable.
        public bool Ran { get; set; }
    }

    private sealed class Frame(ModuleScope scope, Frame? parent = null)
    {
        private readonly Dictionary<string, Local> locals = new(StringComparer.Ordinal);

        public ModuleScope Scope { get; } = scope;
        public int Depth { get; init; }

        /// <summary>Set when the frame's code is in a module the migration requires, not in the migration itself.</summary>
        public HelperSite? Site { get; init; }

        public Local? Lookup(string name) => locals.TryGetValue(name, out var local) ? local : parent?.Lookup(name);

        public void Set(string name, Local local) => locals[name] = local;

        public Frame Child() => new(Scope, this) { Depth = Depth, Site = Site };
    }
}
