using Microsoft.Extensions.Configuration;
using System.Security.Cryptography;

namespace Crumbs.AppHost.Infrastructure;

/// <summary>
/// The folder where local-process servers keep their data between runs, the passwords made for them on first
/// start, and the running app's operator key (never in the repository). Servers:DataPath chooses it;
/// Servers:ResetData=true throws it away.
/// </summary>
public sealed class LocalData
{
    private LocalData(string root) => Root = root;

    public string Root { get; }

    /// <summary>The folder for local-process servers: emptied first when Servers:ResetData is true.</summary>
    public static LocalData Open(IConfiguration configuration)
    {
        var root = Path.GetFullPath(configuration["Servers:DataPath"] ?? DefaultRoot());
        if (configuration.GetValue("Servers:ResetData", false) && Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        return Locate(configuration);
    }

    /// <summary>The same folder, as it is (for what every mode keeps there, such as the operator key).</summary>
    public static LocalData Locate(IConfiguration configuration)
    {
        var root = Path.GetFullPath(configuration["Servers:DataPath"] ?? DefaultRoot());
        Directory.CreateDirectory(root);
        return new LocalData(root);
    }

    /// <summary>A server's own folder under the data root.</summary>
    public string Folder(string server)
    {
        var path = Path.Combine(Root, server);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>A password made once per data folder and kept there, readable by its owner only.</summary>
    public string Secret(string server)
    {
        var path = Path.Combine(Folder("secrets"), server);
        if (!File.Exists(path))
        {
            File.WriteAllText(path, Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant());
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        return File.ReadAllText(path).Trim();
    }

    /// <summary>Replaces a secret kept under secrets/ (readable by its owner only from the start) with a new value.</summary>
    public void Keep(string name, string value)
    {
        var folder = Folder("secrets");
        var next = Path.Combine(folder, $".{name}.{Environment.ProcessId}");
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(next, options))
        {
            writer.Write(value);
        }

        File.Move(next, Path.Combine(folder, name), overwrite: true);
    }

    // Postgres refuses to run as root, and its own user cannot reach into /root: root's data lives in /var/lib.
    private static string DefaultRoot() => Environment.UserName == "root" && OperatingSystem.IsLinux()
        ? "/var/lib/crumbs"
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "crumbs");
}
