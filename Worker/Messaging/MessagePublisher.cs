using Crumbs.Domain.Messaging;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Crumbs.Worker.Messaging;

/// <summary>A message to publish, and the trace it belongs to (default: the current activity's).</summary>
public sealed record Outgoing(string Queue, BasicProperties Properties, ReadOnlyMemory<byte> Body, ActivityContext Parent = default);

/// <summary>
/// Publishes persistent messages and returns only once the broker has confirmed them (a nack, or a message that
/// routes nowhere, is an error). One channel; a channel that failed is replaced, so publishing resumes by itself once
/// the connection has recovered from a broker outage.
/// </summary>
public sealed class MessagePublisher(IConnection connection, IOptions<RetryPolicy> retries) : IAsyncDisposable
{
    private static readonly TimeSpan ConfirmTimeout = TimeSpan.FromSeconds(15);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IChannel? _channel;

    public async Task PublishAsync(Outgoing message, CancellationToken cancellationToken)
    {
        if ((await PublishAllAsync([message], cancellationToken))[0] is { } error)
        {
            throw error;
        }
    }

    /// <summary>
    /// Publishes the messages side by side (the broker confirms them in any order; they must not depend on each
    /// other's order) and returns each one's error, or null where it was confirmed.
    /// </summary>
    public async Task<Exception?[]> PublishAllAsync(IReadOnlyList<Outgoing> messages, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConfirmTimeout);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_channel is not { IsOpen: true })
            {
                await DisposeChannelAsync();
                _channel = await OpenAsync(timeout.Token);
            }

            var channel = _channel;
            var errors = await Task.WhenAll(messages.Select(message => TryPublishAsync(channel, message, timeout.Token)));
            if (errors.Any(error => error is not null and not PublishException))
            {
                await DisposeChannelAsync(); // closed, or its confirms out of step: start afresh next time
            }

            return errors;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DisposeChannelAsync();
        _gate.Dispose();
    }

    private static async Task<Exception?> TryPublishAsync(IChannel channel, Outgoing message, CancellationToken cancellationToken)
    {
        var properties = message.Properties;
        using var activity = MessagingTelemetry.Start("publish", ActivityKind.Producer, message.Queue,
            properties.MessageId ?? "", message.Parent);
        if (activity is not null)
        {
            // The consumer's span joins this trace (RabbitMQ.Client's own publish span, when listened to, rewrites it as its child).
            properties.Headers ??= new Dictionary<string, object?>();
            properties.Headers[MessageHeaders.TraceParent] = activity.Id;
        }

        properties.Persistent = true;
        try
        {
            await channel.BasicPublishAsync("", message.Queue, mandatory: true, properties, message.Body, cancellationToken);
            return null;
        }
        catch (Exception e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            return e;
        }
    }

    private async Task<IChannel> OpenAsync(CancellationToken cancellationToken)
    {
        var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
            cancellationToken);
        await QueueDeclarations.DeclareAsync(channel, retries.Value, cancellationToken);
        return channel;
    }

    private async Task DisposeChannelAsync()
    {
        if (_channel is { } channel)
        {
            _channel = null;
            try
            {
                await channel.DisposeAsync();
            }
            catch (Exception e) when (e is RabbitMQClientException or IOException or ObjectDisposedException)
            {
                // Closing a channel of a broken connection can fail; the channel is gone either way.
            }
        }
    }
}
