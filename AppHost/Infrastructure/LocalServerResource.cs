namespace Crumbs.AppHost.Infrastructure;

/// <summary>
/// A server program that the AppHost starts itself (local-process mode). It has the same name and the same kind
/// of connection string as its container twin, so references and WaitFor work unchanged.
/// </summary>
public sealed class LocalServerResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    private ReferenceExpression? _connectionString;

    public EndpointReference Endpoint => new(this, EndpointName);

    public ReferenceExpression ConnectionStringExpression
    {
        get => _connectionString ?? throw new InvalidOperationException($"'{Name}' has no connection string yet.");
        set => _connectionString = value;
    }
}

/// <summary>A database inside a local Postgres server: shown as its child, referenced by its own name.</summary>
public sealed class LocalDatabaseResource(string name, string databaseName, LocalServerResource parent)
    : Resource(name), IResourceWithParent<LocalServerResource>, IResourceWithConnectionString
{
    public string DatabaseName { get; } = databaseName;

    public LocalServerResource Parent { get; } = parent;

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Parent.ConnectionStringExpression};Database={DatabaseName}");
}
