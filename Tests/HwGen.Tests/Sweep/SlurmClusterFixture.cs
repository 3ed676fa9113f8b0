using HwGen.Sweep;

namespace HwGen.Tests.Sweep;

/// <summary>
/// A real single-node Slurm cluster for the tests of <c>hwgen sweep --slurm</c>, started once for the
/// <see cref="SlurmClusterTests"/> (Debian's munge and slurm-wlm daemons on a slurm.conf of its own in a
/// temp folder; see <see cref="SlurmLocalCluster"/>) and stopped, by the daemons' pids, when its
/// tests are done, passed or failed. Missing packages fail the tests: 'make setup' installs them.
/// </summary>
public sealed class SlurmClusterFixture : IDisposable
{
    private static readonly string Parent = Path.Combine(Path.GetTempPath(), "hwgen-tests", "slurm");
    private readonly TempFolder _folder;

    public SlurmClusterFixture()
    {
        // Daemons a crashed test host left behind (their owner is gone) are stopped first.
        SlurmLocalCluster.CleanUpAbandoned(Parent);
        Directory.CreateDirectory(Parent);
        _folder = new TempFolder(Path.Combine("slurm", "cluster"));
        Cluster = SlurmLocalCluster.Start(_folder.Path);
    }

    public SlurmLocalCluster Cluster { get; }

    public void Dispose()
    {
        Cluster.Dispose();
        _folder.Dispose();
    }
}

/// <summary>The tests that share one local Slurm cluster; they run one after the other.</summary>
[CollectionDefinition(Name)]
public sealed class SlurmClusterTests : ICollectionFixture<SlurmClusterFixture>
{
    public const string Name = "slurm cluster";
}
