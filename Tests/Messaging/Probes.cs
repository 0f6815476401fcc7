using System.Net;
using System.Net.Http.Json;
using Crumbs.Tests.Infrastructure;
using Npgsql;

namespace Crumbs.Tests.Messaging;

/// <summary>Sends probes through the web and reads back what the workers did with them, as an operator would.</summary>
public sealed class Probes(CrumbsApp crumbs) : IDisposable
{
    public const string Queue = "crumbs.probes";

    private readonly HttpClient _web = crumbs.CreateOperatorClient();   // probes are operator endpoints
    private readonly HttpClient _worker = crumbs.CreateOperatorClient(crumbs.WorkerAddress);

    public sealed record Sent(Guid Id, string TraceId);

    public sealed record Result(Guid Id, string SentBy, string HandledBy, int AppliedCount, string? TraceId, int Attempts, int Handled);

    public sealed record Parked(string? MessageId, string? Type, int Retries, string? ErrorType, string? ErrorMessage);

    public async Task<Sent> SendAsync(int failTimes = 0)
    {
        using var response = await _web.PostAsync($"/api/probes?failTimes={failTimes}", null, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var probe = await response.Content.ReadFromJsonAsync<Result>(Ct);
        return new Sent(probe!.Id, Assert.Single(response.Headers.GetValues("X-Trace-Id")));
    }

    public async Task<Result?> ReadAsync(Guid id)
    {
        using var response = await _web.GetAsync($"/api/probes/{id}", Ct);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<Result>(Ct);
    }

    /// <summary>Waits until the probe's handling satisfies the condition (e.g. a second delivery has finished).</summary>
    public Task<Result> WaitAsync(Guid id, Func<Result, bool> until, TimeSpan within, string what) =>
        Eventually.GetAsync(async () => await ReadAsync(id) is { } result && until(result) ? result : null, within, what);

    public async Task<IReadOnlyList<Parked>> DeadLettersAsync() =>
        (await _worker.GetFromJsonAsync<List<Parked>>($"/admin/dead-letters/{Queue}?limit=1000", Ct))!;

    /// <summary>One scalar from the app's database, for what only the database shows (outbox, processed_message).</summary>
    public Task<T> QueryAsync<T>(string sql, Guid id) => QueryAsync<T>(sql, ("id", id));

    public async Task<T> QueryAsync<T>(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(await crumbs.App.GetConnectionStringAsync("db", Ct));
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        var result = await command.ExecuteScalarAsync(Ct);
        return result is DBNull or null ? default! : (T)result;
    }

    /// <summary>
    /// Writes a probe into the outbox the way Outbox.EnqueueAsync does, but with any queue and aggregate key, to
    /// watch how the relay orders and skips rows. Returns the row's id.
    /// </summary>
    public Task<long> EnqueueAsync(Guid id, string queue, string? aggregateKey) => QueryAsync<long>(
        """
        insert into outbox (message_id, queue, kind, aggregate_key, payload)
        values (@id, @queue, 'ProbeSent', @key, jsonb_build_object('Id', @id, 'SentBy', 'tests', 'FailTimes', 0))
        returning id
        """,
        ("id", id), ("queue", queue), ("key", aggregateKey));

    /// <summary>Publishes raw bytes straight to the probes queue, as a broken or foreign sender would.</summary>
    public async Task PublishRawAsync(Guid messageId, byte[] body)
    {
        var factory = new RabbitMQ.Client.ConnectionFactory { Uri = new Uri((await crumbs.App.GetConnectionStringAsync("messaging", Ct))!) };
        await using var connection = await factory.CreateConnectionAsync(Ct);
        await using var channel = await connection.CreateChannelAsync(
            new RabbitMQ.Client.CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), Ct);
        var properties = new RabbitMQ.Client.BasicProperties { MessageId = messageId.ToString(), Persistent = true };
        await channel.BasicPublishAsync("", Queue, mandatory: true, properties, body, Ct);
    }

    public void Dispose()
    {
        _web.Dispose();
        _worker.Dispose();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
}
