using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// Where the final replayed schema has what a never-run builder would have added: the statements that made it anyway.
/// An object the model holds was made by its origin, even when something the replay could not follow came after it
/// (then whether it is still there at the end is not known, and <see cref="Made.Known"/> says so).
/// </summary>
internal static class LaterEffects
{
    /// <summary>An effect the chain makes anyway, the statement that made it, and whether it is known to be there at the end.</summary>
    public sealed record Made(SchemaEffect Effect, Origin Origin, bool Known);

    public static (IReadOnlyList<Made> Made, IReadOnlyList<SchemaEffect> Missing) Compare(SchemaModel final, IReadOnlyList<SchemaEffect> effects)
    {
        var made = new List<Made>();
        var missing = new List<SchemaEffect>();
        foreach (var effect in effects)
        {
            if (Find(final, effect) is { } found)
            {
                made.Add(new Made(effect, found.Origin, found.Known));
            }
            else
            {
                missing.Add(effect);
            }
        }

        return (made, missing);
    }

    private static (Origin Origin, bool Known)? Find(SchemaModel final, SchemaEffect effect)
    {
        if (final.Table(effect.Table) is not { } table)
        {
            return null;
        }

        return effect.Kind switch
        {
            SchemaEffectKind.Table => (table.Origin, final.ExistenceKnown(table)),
            SchemaEffectKind.Column => table.Column(effect.Name) is { } column ? (column.Origin, final.Knows(table, column.Origin)) : null,
            SchemaEffectKind.Index => table.Indexes.FirstOrDefault(i => i.Name == effect.Name) is { } index ? (index.Origin, final.KnowsIndex(table, index.Origin)) : null,
            _ => table.ForeignKeys.FirstOrDefault(f => f.Name == effect.Name) is { } fk ? (fk.Origin, final.Knows(table, fk.Origin)) : null,
        };
    }

    /// <summary>"foreign key x on t by 2022_b.js (line 3)", joined.</summary>
    public static string Describe(IEnumerable<Made> made) =>
        string.Join(", ", made.Select(m => $"{m.Effect.Describe()} by {m.Origin.Migration} (line {m.Origin.Line})"));

    /// <summary>
    /// Why PostgreSQL refuses the second creation (checked with real knex 3.1.0 for a foreign key, see
    /// UnexecutedBuilderLaterMigrationTests): constraint, relation and column names are unique per table or schema.
    /// </summary>
    public static string Refusal(SchemaEffect effect) => effect.Kind switch
    {
        SchemaEffectKind.ForeignKey => $"constraint \"{effect.Name}\" for relation \"{effect.Table}\" already exists",
        SchemaEffectKind.Column => $"column \"{effect.Name}\" of relation \"{effect.Table}\" already exists",
        _ => $"relation \"{effect.Name}\" already exists",
    };
}
