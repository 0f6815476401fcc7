namespace Crumbs.Benchmarks;

/// <summary>What /proc says about processes: names, environments, CPU time and peak memory.</summary>
public static class Procs
{
    public static IEnumerable<int> All() => Directory.EnumerateDirectories("/proc")
        .Select(Path.GetFileName).Where(n => n!.All(char.IsAsciiDigit)).Select(n => int.Parse(n!));

    public static string Comm(int pid) => Read($"/proc/{pid}/comm").Trim();

    public static string CommandLine(int pid) => Read($"/proc/{pid}/cmdline").Replace('\0', ' ');

    public static Dictionary<string, string> Environment(int pid) => Read($"/proc/{pid}/environ")
        .Split('\0', StringSplitOptions.RemoveEmptyEntries).Select(v => v.Split('=', 2)).Where(kv => kv.Length == 2)
        .GroupBy(kv => kv[0]).ToDictionary(g => g.Key, g => g.First()[1]);

    public static int Parent(int pid)
    {
        var stat = Read($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return fields.Length > 1 ? int.Parse(fields[1]) : 0;
    }

    /// <summary>True when the process or its parent meets the condition (postgres backends are children of the postmaster).</summary>
    public static bool Family(int pid, Func<int, bool> condition) => condition(pid) || (Parent(pid) is > 1 and var parent && condition(parent));

    /// <summary>User + system CPU time in clock ticks (1/100 s), 0 if the process is gone.</summary>
    public static long CpuTicks(int pid)
    {
        var stat = Read($"/proc/{pid}/stat");
        if (stat.Length == 0)
        {
            return 0;
        }

        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11]) + long.Parse(fields[12]);
    }

    /// <summary>The machine's busy and total ticks (all cores), from /proc/stat.</summary>
    public static (long Busy, long Total) MachineTicks()
    {
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
        var idle = cpu[3] + cpu[4];
        return (cpu.Sum() - idle, cpu.Sum());
    }

    /// <summary>Peak resident memory (VmHWM) in MiB.</summary>
    public static double PeakMiB(int pid) => StatusMiB(pid, "VmHWM:");

    /// <summary>Resident memory now (VmRSS) in MiB.</summary>
    public static double RssMiB(int pid) => StatusMiB(pid, "VmRSS:");

    private static double StatusMiB(int pid, string field) => Read($"/proc/{pid}/status").Split('\n')
        .Where(l => l.StartsWith(field, StringComparison.Ordinal))
        .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0).FirstOrDefault();

    /// <summary>Starts the peak (VmHWM) again from the current resident memory ("5" to clear_refs); false where not allowed.</summary>
    public static bool ResetPeak(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
