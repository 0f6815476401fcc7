using System.Text.Json;
using RabbitMQ.Client;

namespace Crumbs.Domain.Messaging;

/// <summary>
/// Publishes persistent JSON messages and returns only once the broker has confirmed them.
/// One channel, used by one publish at a time: publisher confirms are tracked per channel.
/// </summary>
public sealed class MessagePublisher(IConnection connection) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IChannel? _channel;

    public async Task PublishAsync<T>(string queue, Guid messageId, T message, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(message);
        var properties = new BasicProperties
        {
            MessageId = messageId.ToString(),
            ContentType = "application/json",
            Type = typeof(T).Name,
            Persistent = true,
        };

        await _gate.WaitAsync(cancellationToken);
        try
        {
            _channel ??= await OpenAsync(cancellationToken);
            await _channel.BasicPublishAsync("", queue, mandatory: true, properties, body, cancellationToken);
        }
        catch
        {
            // A failed publish may leave the channel closed: start the next one on a fresh channel.
            await DisposeChannelAsync();
            throw;
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

    private async Task<IChannel> OpenAsync(CancellationToken cancellationToken)
    {
        var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
            cancellationToken);
        await Queues.DeclareAsync(channel, cancellationToken);
        return channel;
    }

    private async Task DisposeChannelAsync()
    {
        if (_channel is { } channel)
        {
            _channel = null;
            await channel.DisposeAsync();
        }
    }
}
