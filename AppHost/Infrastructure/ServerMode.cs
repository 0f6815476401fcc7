using System.Diagnostics;

namespace Crumbs.AppHost.Infrastructure;

/// <summary>Where the Redis, Postgres and RabbitMQ servers come from.</summary>
public enum ServerMode
{
    /// <summary>Containers when a container runtime answers, local processes otherwise.</summary>
    Auto,
    /// <summary>Containers run by Docker or Podman (always so when publishing).</summary>
    Containers,
    /// <summary>redis-server, postgres and rabbitmq-server started by the AppHost itself.</summary>
    Local,
    /// <summary>Servers that already run, given as ConnectionStrings:cache, :db and :messaging.</summary>
    External,
}

internal static class ContainerRuntime
{
    /// <summary>True when `docker info` (or `podman info`) reaches a running engine within a few seconds.</summary>
    public static bool Answers()
    {
        var runtime = Environment.GetEnvironmentVariable("ASPIRE_CONTAINER_RUNTIME") ?? "docker";
        foreach (var command in new[] { runtime, "podman" }.Distinct())
        {
            if (Executables.Find(command) is not { } path)
            {
                continue;
            }

            try
            {
                using var process = Process.Start(new ProcessStartInfo(path, "info --format {{.ServerVersion}}")
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                })!;
                if (process.WaitForExit(TimeSpan.FromSeconds(10)) && process.ExitCode == 0)
                {
                    return true;
                }

                process.Kill(entireProcessTree: true);
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                // Not startable: treat as absent.
            }
        }

        return false;
    }
}
