using Crumbs.Domain.Database;
using Microsoft.Extensions.Configuration;

namespace Crumbs.Tests.Unit;

/// <summary>Crumbs:Database:MaxPoolSize, read once when the data source is built: its default, a set value, and a refused one.</summary>
public sealed class ConnectionPoolSizeTests
{
    [Fact]
    public void Unset_it_is_eight()
    {
        Assert.Equal(8, ConnectionPool.Size(Configuration(null)));
    }

    [Fact]
    public void A_set_value_is_taken()
    {
        Assert.Equal(20, ConnectionPool.Size(Configuration("20")));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    public void A_size_below_one_stops_the_start_naming_the_key(string value)
    {
        var refused = Assert.Throws<InvalidOperationException>(() => ConnectionPool.Size(Configuration(value)));
        Assert.Contains(ConnectionPool.Key, refused.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(string? size) => new ConfigurationBuilder()
        .AddInMemoryCollection(size is null ? [] : [new(ConnectionPool.Key, size)])
        .Build();
}
