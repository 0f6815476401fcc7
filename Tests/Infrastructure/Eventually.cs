namespace Crumbs.Tests.Infrastructure;

/// <summary>Polls until a condition holds or the time is up: for work that other processes finish asynchronously.</summary>
public static class Eventually
{
    public static async Task<T> GetAsync<T>(Func<Task<T?>> attempt, TimeSpan within, string what)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            if (await attempt() is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Still waiting after {within.TotalSeconds:0} s for {what}.");
            }

            await Task.Delay(100);
        }
    }
}
