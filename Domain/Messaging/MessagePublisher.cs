using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Crumbs.Domain.Messaging;

/// <summary>
/// Publishes persistent messages and returns only once the broker has confirmed them (a nack, or a message that
/// routes nowhere, throws). One channel, used by one publish at a time; a channel that failed is replaced, so
/// publishing resumes by itself once the connection has recovered from a broker outage.
/// </summary>
public sealed class MessagePublisher(IConnection connection, IOptions<RetryPolicy> retries) : IAsyncDisposable
{
    private static readonly TimeSpan ConfirmTimeout = TimeSpan.FromSeconds(15);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IChannel? _channel;

    public async Task PublishAsync(string queue, BasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        properties.Persistent = true;
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

            await _channel.BasicPublishAsync("", queue, mandatory: true, properties, body, timeout.Token);
        }
        catch
        {
            // A failed publish may leave the channel closed or its confirms out of step: start afresh next time.
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
        await Queues.DeclareAsync(channel, retries.Value, cancellationToken);
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
            catch (Exception e) when (e is RabbitMQ.Client.Exceptions.RabbitMQClientException or IOException or ObjectDisposedException)
            {
                // Closing a channel of a broken connection can fail; the channel is gone either way.
            }
        }
    }
}
