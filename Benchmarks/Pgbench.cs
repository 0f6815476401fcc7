using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace Crumbs.Benchmarks;

public sealed record PgbenchResult(double Tps, double P50Ms, double P99Ms, int Clients);

/// <summary>pgbench's TPC-B-like script on the same Postgres, in a database of its own ("pgbench").</summary>
public static partial class Pgbench
{
    private const string Bin = "/usr/lib/postgresql/15/bin";

    public static async Task<PgbenchResult> RunAsync(string connectionString, string workDir, double seconds, int clients)
    {
        var cs = new NpgsqlConnectionStringBuilder(connectionString);
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var exists = new NpgsqlCommand("select count(*) from pg_database where datname = 'pgbench'", connection);
            if ((long)(await exists.ExecuteScalarAsync())! == 0)
            {
                await using var create = new NpgsqlCommand("create database pgbench", connection);
                await create.ExecuteNonQueryAsync();
            }
        }

        string[] common = ["-h", cs.Host!, "-p", cs.Port.ToString(CultureInfo.InvariantCulture), "-U", cs.Username!];
        await RunAsync(cs.Password!, [.. common, "-i", "-q", "-s", "10", "pgbench"]);
        var logs = Path.Combine(workDir, "pgbench");
        Directory.CreateDirectory(logs);
        var output = await RunAsync(cs.Password!, [.. common, "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", "2",
            "-T", seconds.ToString("0", CultureInfo.InvariantCulture), "-l", "--log-prefix", Path.Combine(logs, "tx"), "pgbench"]);
        var tps = double.Parse(Tps().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        var latencies = Directory.EnumerateFiles(logs).SelectMany(File.ReadLines)
            .Select(l => double.Parse(l.Split(' ')[2], CultureInfo.InvariantCulture) / 1000).ToList();
        latencies.Sort();
        return new PgbenchResult(tps, FanOut.Percentile(latencies, 50), FanOut.Percentile(latencies, 99), clients);
    }

    private static async Task<string> RunAsync(string password, string[] args)
    {
        var start = new ProcessStartInfo(Path.Combine(Bin, "pgbench")) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["PGPASSWORD"] = password;
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? await output : throw new InvalidOperationException($"pgbench failed: {await errors}");
    }

    [GeneratedRegex(@"tps = ([\d.]+) \(without initial connection time\)")]
    private static partial Regex Tps();
}
