using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using HwGen.Tools;

namespace HwGen.Sweep;

/// <summary>
/// A private single-node Slurm cluster on this machine, for the tests and benchmarks of
/// <c>hwgen sweep --slurm</c>: Debian's <c>munge</c> and <c>slurm-wlm</c> daemons started on a
/// slurm.conf in a folder of their own (their own munge key, socket, ports, state, spool, logs and
/// pid files), so that nothing clashes with a system Slurm or with another such cluster. Starting
/// it points <c>SLURM_CONF</c> of this process (and so of every command it runs) at its slurm.conf;
/// disposing it cancels its jobs, stops the daemons it started, by their pids, and restores
/// <c>SLURM_CONF</c>.
/// </summary>
public sealed partial class SlurmLocalCluster : IDisposable
{
    /// <summary>The partition the cluster has (its default).</summary>
    public const string Partition = "hwgen";

    /// <summary>The node's name.</summary>
    public const string NodeName = "hwgen-node";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(1);
    private static readonly string[] Tools = ["mungekey", "munged", "slurmctld", "slurmd", "sbatch", "squeue", "sinfo", "scancel"];

    private readonly string? _previousSlurmConf;
    private readonly List<(string Name, string PidFile)> _daemons = [];
    private readonly Dictionary<string, int> _pids = new(StringComparer.Ordinal);
    private bool _disposed;

    private SlurmLocalCluster(string folder)
    {
        Folder = folder;
        _previousSlurmConf = Environment.GetEnvironmentVariable("SLURM_CONF");
    }

    /// <summary>The cluster's folder: slurm.conf, munge/, state/, spool/, log/, run/.</summary>
    public string Folder { get; }

    /// <summary>The cluster's slurm.conf.</summary>
    public string ConfigFile => Path.Combine(Folder, "slurm.conf");

    /// <summary>The node's CPUs (this machine's, as <c>slurmd -C</c> finds them).</summary>
    public int Cpus { get; private set; }

    /// <summary>The daemons started, by name, with their pids.</summary>
    public IReadOnlyDictionary<string, int> Daemons => _pids;

    /// <summary>
    /// Starts munged, slurmctld and slurmd on a new slurm.conf in <paramref name="folder"/> (created;
    /// it should be new and empty) and waits until the node takes jobs.
    /// </summary>
    /// <exception cref="SlurmException">The packages are not installed, or a daemon did not come up (the message holds its log).</exception>
    public static SlurmLocalCluster Start(string folder, TimeSpan? timeout = null)
    {
        var missing = Tools.Where(t => Find(t) is null).ToList();
        if (missing.Count > 0)
        {
            throw new SlurmException($"a local Slurm cluster needs Debian's slurm-wlm and munge packages ({string.Join(", ", missing)} not found; 'make setup' installs them)");
        }

        string full = Path.GetFullPath(folder);
        var cluster = new SlurmLocalCluster(full);
        try
        {
            cluster.Launch(timeout ?? TimeSpan.FromMinutes(1));
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Stops the daemons of clusters left in the sub-folders of <paramref name="parent"/> by processes
    /// that ended without disposing them (a test host that crashed), and deletes those folders. A
    /// daemon is stopped only when its pid file is in such a folder and its command line names that folder.
    /// </summary>
    public static void CleanUpAbandoned(string parent)
    {
        if (!System.IO.Directory.Exists(parent))
        {
            return;
        }

        foreach (string folder in System.IO.Directory.EnumerateDirectories(parent))
        {
            string owner = Path.Combine(folder, "run", "owner.pid");
            if (!File.Exists(owner) || !int.TryParse(File.ReadAllText(owner).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || IsAlive(pid))
            {
                continue;
            }

            foreach (string pidFile in System.IO.Directory.EnumerateFiles(Path.Combine(folder, "run"), "*.pid").Where(f => Path.GetFileName(f) != "owner.pid"))
            {
                if (ReadPid(pidFile) is { } daemon && CommandLine(daemon).Contains(folder, StringComparison.Ordinal))
                {
                    Stop(daemon);
                }
            }

            try
            {
                System.IO.Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // Left for the next clean-up.
            }
        }
    }

    /// <summary>The end of every daemon's log, for a message when something went wrong.</summary>
    public string LogTails(int lines = 15)
    {
        var text = new StringBuilder();
        foreach (string log in new[] { "munged.log", "slurmctld.log", "slurmd.log" })
        {
            string path = Path.Combine(Folder, "log", log);
            if (File.Exists(path))
            {
                text.Append("--- ").Append(path).Append('\n');
                foreach (string line in File.ReadAllLines(path).TakeLast(lines))
                {
                    text.Append(line).Append('\n');
                }
            }
        }

        return text.ToString();
    }

    /// <summary>Cancels the cluster's jobs, stops its daemons (by pid: TERM, then KILL after 10 s) and restores SLURM_CONF.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_pids.ContainsKey("slurmctld"))
        {
            CancelEveryJob();
        }

        foreach (var (name, _) in Enumerable.Reverse(_daemons))
        {
            if (_pids.TryGetValue(name, out int pid))
            {
                Stop(pid);
            }
        }

        Environment.SetEnvironmentVariable("SLURM_CONF", _previousSlurmConf);
    }

    private void Launch(TimeSpan timeout)
    {
        foreach (string sub in new[] { "munge", "state", "spool", "log", "run" })
        {
            System.IO.Directory.CreateDirectory(Path.Combine(Folder, sub));
        }

        File.WriteAllText(Path.Combine(Folder, "run", "owner.pid"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");

        // munge: its own key (made here, so no system key is needed or touched), socket, pid and log.
        // munged wants every folder above its socket searchable by all, and its key readable only by its user.
        string munge = Path.Combine(Folder, "munge");
        if (!OperatingSystem.IsWindows())
        {
            var searchable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
                | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
            File.SetUnixFileMode(Folder, searchable);
            File.SetUnixFileMode(munge, searchable);
        }

        string key = Path.Combine(munge, "munge.key");
        string socket = Path.Combine(munge, "munge.socket");
        Run("mungekey", ["--create", $"--keyfile={key}"]);
        Daemon("munged", Path.Combine(Folder, "run", "munged.pid"),
            [$"--socket={socket}", $"--key-file={key}", $"--pid-file={Path.Combine(Folder, "run", "munged.pid")}",
             $"--log-file={Path.Combine(Folder, "log", "munged.log")}", $"--seed-file={Path.Combine(munge, "munged.seed")}"],
            timeout);

        File.WriteAllText(ConfigFile, Configuration(socket));
        Environment.SetEnvironmentVariable("SLURM_CONF", ConfigFile);
        Daemon("slurmctld", Path.Combine(Folder, "run", "slurmctld.pid"), ["-f", ConfigFile], timeout);
        Daemon("slurmd", Path.Combine(Folder, "run", "slurmd.pid"), ["-f", ConfigFile, "-N", NodeName], timeout);
        WaitUntilIdle(timeout);
    }

    /// <summary>slurm.conf: one node with this machine's CPUs and memory, one partition, ports nobody listens on.</summary>
    private string Configuration(string mungeSocket)
    {
        // slurmd -C prints the node line Slurm would accept for this machine.
        var node = Run(Find("slurmd")!, ["-C"]).Stdout.Split('\n')[0];
        var fields = NodeField().Matches(node).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);
        string Field(string name, string fallback) => fields.GetValueOrDefault(name, fallback);
        Cpus = int.Parse(Field("CPUs", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        string user = Environment.UserName;
        int controllerPort = FreePort();
        int nodePort = FreePort();
        while (nodePort == controllerPort)
        {
            nodePort = FreePort();
        }

        string Dir(string name) => Path.Combine(Folder, name);
        return string.Join('\n',
            "# A private single-node cluster for HwGen's tests and benchmarks (SlurmLocalCluster).",
            "ClusterName=hwgen",
            "SlurmctldHost=localhost",
            $"SlurmUser={user}",
            $"SlurmdUser={user}",
            $"SlurmctldPort={controllerPort}",
            $"SlurmdPort={nodePort}",
            "AuthType=auth/munge",
            "CredType=cred/munge",
            $"AuthInfo=socket={mungeSocket}",
            $"StateSaveLocation={Dir("state")}",
            $"SlurmdSpoolDir={Dir("spool")}",
            $"SlurmctldPidFile={Path.Combine(Dir("run"), "slurmctld.pid")}",
            $"SlurmdPidFile={Path.Combine(Dir("run"), "slurmd.pid")}",
            $"SlurmctldLogFile={Path.Combine(Dir("log"), "slurmctld.log")}",
            $"SlurmdLogFile={Path.Combine(Dir("log"), "slurmd.log")}",
            "ProctrackType=proctrack/linuxproc",
            "TaskPlugin=task/none",
            "SelectType=select/cons_tres",
            "SelectTypeParameters=CR_Core",
            "MpiDefault=none",
            "SwitchType=switch/none",
            "JobAcctGatherType=jobacct_gather/none",
            "AccountingStorageType=accounting_storage/none",
            "JobCompType=jobcomp/none",
            "MailProg=/bin/true",
            "ReturnToService=2",
            "SchedulerType=sched/backfill",
            "SlurmctldTimeout=30",
            "SlurmdTimeout=60",
            "InactiveLimit=0",
            "KillWait=5",
            "MinJobAge=600",
            $"NodeName={NodeName} NodeAddr=127.0.0.1 NodeHostname=localhost CPUs={Cpus} Boards={Field("Boards", "1")} " +
                $"SocketsPerBoard={Field("SocketsPerBoard", "1")} CoresPerSocket={Field("CoresPerSocket", Cpus.ToString(CultureInfo.InvariantCulture))} " +
                $"ThreadsPerCore={Field("ThreadsPerCore", "1")} RealMemory={Field("RealMemory", "1024")} State=UNKNOWN",
            $"PartitionName={Partition} Nodes={NodeName} Default=YES MaxTime=INFINITE State=UP",
            string.Empty);
    }

    /// <summary>Starts a daemon that forks into the background and writes a pid file, and waits for the file.</summary>
    private void Daemon(string name, string pidFile, IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        _daemons.Add((name, pidFile));
        var result = ProcessRunner.Run(Find(name)!, arguments, Folder, CommandTimeout);
        var deadline = DateTime.UtcNow + timeout;
        while (ReadPid(pidFile) is not { } pid || !IsAlive(pid))
        {
            if (!result.Succeeded || DateTime.UtcNow > deadline)
            {
                throw new SlurmException($"{name} did not start ({SlurmScheduler.ErrorOf(result)}):\n{LogTails()}");
            }

            Thread.Sleep(100);
        }

        _pids[name] = ReadPid(pidFile)!.Value;
    }

    private void WaitUntilIdle(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        string state = string.Empty;
        while (DateTime.UtcNow < deadline)
        {
            var result = ProcessRunner.Run("sinfo", ["--noheader", "--Node", "--nodes", NodeName, "--format=%T"], Folder, CommandTimeout);
            state = result.Succeeded ? result.Stdout.Trim() : SlurmScheduler.ErrorOf(result);
            if (state == "idle")
            {
                return;
            }

            Thread.Sleep(250);
        }

        throw new SlurmException($"the node of the local Slurm cluster did not become idle within {timeout.TotalSeconds:F0} s (last: {state}):\n{LogTails()}");
    }

    private static void CancelEveryJob()
    {
        var queue = ProcessRunner.Run("squeue", ["--noheader", "--format=%A"], ".", CommandTimeout);
        var jobs = queue.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (!queue.Succeeded || jobs.Length == 0)
        {
            return;
        }

        ProcessRunner.Run("scancel", jobs, ".", CommandTimeout);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            var left = ProcessRunner.Run("squeue", ["--noheader", "--format=%A"], ".", CommandTimeout);
            if (!left.Succeeded || left.Stdout.Trim().Length == 0)
            {
                return;
            }

            Thread.Sleep(250);
        }
    }

    /// <summary>TERM, then KILL when the process is still there after 10 s.</summary>
    private static void Stop(int pid)
    {
        string id = pid.ToString(CultureInfo.InvariantCulture);
        ProcessRunner.Run("kill", ["-TERM", id], ".", CommandTimeout);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (IsAlive(pid) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(100);
        }

        if (IsAlive(pid))
        {
            ProcessRunner.Run("kill", ["-KILL", id], ".", CommandTimeout);
        }
    }

    private ProcessResult Run(string tool, IReadOnlyList<string> arguments)
    {
        var result = ProcessRunner.Run(Path.IsPathRooted(tool) ? tool : Find(tool)!, arguments, Folder, CommandTimeout);
        return result.Succeeded ? result : throw new SlurmException($"{tool} failed: {SlurmScheduler.ErrorOf(result)}");
    }

    /// <summary>A tool on the PATH or in the sbin folders (the daemons live there, off a normal user's PATH).</summary>
    private static string? Find(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator).Concat(["/usr/sbin", "/sbin"])
            .Where(d => d.Length > 0).Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);

    private static int? ReadPid(string pidFile)
    {
        try
        {
            return File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && pid > 0 ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Whether a process runs (a zombie does not count).</summary>
    private static bool IsAlive(int pid)
    {
        string status = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status";
        try
        {
            return File.Exists(status) && !File.ReadLines(status).Any(l => l.StartsWith("State:", StringComparison.Ordinal) && l.Contains("zombie", StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline").Replace('\0', ' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"(\w+)=(\S+)")]
    private static partial Regex NodeField();
}
