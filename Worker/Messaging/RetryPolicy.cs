namespace Crumbs.Worker.Messaging;

/// <summary>
/// How often a failing message is tried again, and after how long (Crumbs:Messaging:MaxRetries, :RetryBaseDelay):
/// retry n waits BaseDelay × 2^(n-1), so 1 s, 2 s, 4 s, 8 s, 16 s by default, then the message is parked.
/// </summary>
public sealed class RetryPolicy
{
    public const string Section = "Crumbs:Messaging";

    [System.ComponentModel.DataAnnotations.Range(0, 50)]
    public int MaxRetries { get; set; } = 5;

    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan DelayBefore(int retry) => RetryBaseDelay * Math.Pow(2, retry - 1);

    /// <summary>
    /// The delay queue of a retry. Its name carries its delay, because a queue's TTL cannot change once declared:
    /// another setting simply declares other queues.
    /// </summary>
    public string DelayQueue(string queue, int retry) => $"{queue}.retry.{(long)DelayBefore(retry).TotalMilliseconds}ms";
}
