using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;

namespace Crumbs.Tests.Infrastructure;

/// <summary>
/// What Postgres would do with a captured statement: it is prepared (named parameters become $1, $2, … and Postgres
/// infers their types), explained with harmless values of those types, and its plan searched for anything that
/// reads two relations together: a join of any kind (inner, semi, anti), a nested loop, or a sub-plan.
/// </summary>
public static partial class QueryPlans
{
    public static IEnumerable<string> Statements(IEnumerable<string> commands) =>
        commands.SelectMany(c => c.Split(';')).Select(s => s.Trim()).Where(s => s.Length > 0);

    /// <summary>The plan nodes that combine relations; empty when the statement reads one table at a time.</summary>
    public static async Task<List<string>> CombiningNodesAsync(NpgsqlConnection db, string statement)
    {
        var names = new List<string>();
        var positional = NamedParameter().Replace(statement, m =>
        {
            var index = names.IndexOf(m.Groups[1].Value);
            if (index < 0)
            {
                names.Add(m.Groups[1].Value);
                index = names.Count - 1;
            }

            return $"${index + 1}";
        });
        var name = $"plan_{Guid.NewGuid():N}";
        await ExecuteAsync(db, $"prepare {name} as {positional}");
        try
        {
            var types = await ScalarAsync(db, $"select parameter_types::text from pg_prepared_statements where name = '{name}'");
            var values = types.Trim('{', '}').Split(',', StringSplitOptions.RemoveEmptyEntries).Select(ValueOf).ToList();
            var plan = await ScalarAsync(db, $"explain (format json) execute {name}{(values.Count > 0 ? $"({string.Join(", ", values)})" : "")}");
            var found = new List<string>();
            Walk(JsonDocument.Parse(plan).RootElement[0].GetProperty("Plan"), found);
            return found;
        }
        finally
        {
            await ExecuteAsync(db, $"deallocate {name}");
        }
    }

    private static void Walk(JsonElement node, List<string> found)
    {
        var type = node.GetProperty("Node Type").GetString()!;
        if (type.Contains("Join", StringComparison.Ordinal) || type == "Nested Loop")
        {
            found.Add(node.TryGetProperty("Join Type", out var join) ? $"{type} ({join.GetString()})" : type);   // Inner, Semi, Anti…
        }

        if (node.TryGetProperty("Parent Relationship", out var relation) && relation.GetString() is "SubPlan" or "InitPlan")
        {
            found.Add($"{relation.GetString()} ({type})");
        }

        if (node.TryGetProperty("Plans", out var children))
        {
            foreach (var child in children.EnumerateArray())
            {
                Walk(child, found);
            }
        }
    }

    private static string ValueOf(string type) => type.Trim('"') switch
    {
        "bigint" or "integer" or "smallint" or "numeric" or "double precision" or "real" => "1",
        "bigint[]" or "integer[]" => "'{1}'",
        "text" or "character varying" => "'x'",
        "text[]" => "'{x}'",
        "uuid" => "'00000000-0000-0000-0000-000000000000'",
        "uuid[]" => "'{00000000-0000-0000-0000-000000000000}'",
        "timestamp with time zone" or "timestamp without time zone" => "now()",
        "boolean" => "true",
        _ => "null",
    };

    private static async Task ExecuteAsync(NpgsqlConnection db, string sql)
    {
        await using var command = new NpgsqlCommand(sql, db);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    private static async Task<string> ScalarAsync(NpgsqlConnection db, string sql)
    {
        await using var command = new NpgsqlCommand(sql, db);
        return (string)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    [GeneratedRegex(@"(?<![@\w:])@(\w+)")]
    private static partial Regex NamedParameter();
}
