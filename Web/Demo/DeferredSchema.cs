using Dapper;
using Npgsql;

namespace Crumbs.Web.Demo;

/// <summary>
/// The keys, foreign keys and indexes of the tables a seed loads, taken off before a bulk load into empty tables and
/// put back after it: one sort per index and one anti-join per foreign key, instead of a B-tree insert and a lookup
/// per row (at 46 million timeline entries the primary key alone, kept up to date row by row, far outgrows the
/// buffers). Definitions come from the catalog, so they are the migrations' own.
/// </summary>
public sealed class DeferredSchema
{
    private readonly List<(string Table, string Name, string Definition, char Kind)> _constraints;
    private readonly List<string> _indexes;

    private DeferredSchema(List<(string, string, string, char)> constraints, List<string> indexes) =>
        (_constraints, _indexes) = (constraints, indexes);

    /// <summary>Drops them, within the transaction, when every table is empty; else drops nothing (returns null).</summary>
    public static async Task<DeferredSchema?> DropIfEmptyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        string[] tables, int timeoutSeconds, CancellationToken ct)
    {
        CommandDefinition Command(string sql, object? parameters = null) => new(sql, parameters, transaction, timeoutSeconds, cancellationToken: ct);
        var empty = await connection.ExecuteScalarAsync<bool>(Command(
            "select " + string.Join(" and ", tables.Select(t => $"not exists (select 1 from {t})"))));
        if (!empty)
        {
            return null;
        }

        // A key that a table outside the load refers to stays (its foreign key would go with it otherwise).
        var constraints = (await connection.QueryAsync<(string, string, string, char)>(Command(
            """
            select c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.contype
            from pg_constraint c
            where c.conrelid = any(@tables::regclass[]) and c.contype in ('p', 'u', 'f')
              and not exists (select 1 from pg_constraint r where r.contype = 'f' and c.contype <> 'f'
                              and r.conindid = c.conindid and r.conrelid <> all(@tables::regclass[]))
            order by c.contype = 'f' desc
            """, new { tables }))).ToList();
        var indexes = (await connection.QueryAsync<(string Name, string Definition)>(Command(
            """
            select i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            from pg_index i
            where i.indrelid = any(@tables::regclass[])
              and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid and c.contype <> 'f')
            """, new { tables }))).ToList();
        foreach (var (table, name, _, _) in constraints)
        {
            await connection.ExecuteAsync(Command($"alter table {table} drop constraint {name}"));
        }

        foreach (var (name, _) in indexes)
        {
            await connection.ExecuteAsync(Command($"drop index {name}"));
        }

        return new DeferredSchema(constraints, [.. indexes.Select(i => i.Definition)]);
    }

    /// <summary>Keys first (the foreign keys need them), then the other indexes, then the foreign keys, validated once each.</summary>
    public async Task RestoreAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, int timeoutSeconds, CancellationToken ct)
    {
        var keys = _constraints.Where(c => c.Kind != 'f').Select(c => $"alter table {c.Table} add constraint {c.Name} {c.Definition}");
        var foreign = _constraints.Where(c => c.Kind == 'f').Select(c => $"alter table {c.Table} add constraint {c.Name} {c.Definition}");
        foreach (var statement in keys.Concat(_indexes).Concat(foreign))
        {
            await connection.ExecuteAsync(new CommandDefinition(statement, transaction: transaction, commandTimeout: timeoutSeconds, cancellationToken: ct));
        }
    }
}
