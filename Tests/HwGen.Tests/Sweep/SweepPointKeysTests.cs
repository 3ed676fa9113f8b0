using HwGen.Configuration;
using HwGen.Sweep;

namespace HwGen.Tests.Sweep;

/// <summary>A sweep point's key: what makes a stored result reusable.</summary>
public class SweepPointKeysTests
{
    private static HwGenConfig Tiny() => ConfigLoader.Load(Examples.Path("tiny.yaml"));

    [Fact]
    public void The_same_point_with_the_same_hardware_sources_has_the_same_key()
    {
        new SweepPointKeys(4, "rtl-a").Key(Tiny()).ShouldBe(new SweepPointKeys(4, "rtl-a").Key(Tiny()));
    }

    [Fact]
    public void Changed_hardware_sources_change_the_key_so_stored_yosys_figures_are_not_reused()
    {
        new SweepPointKeys(4, "rtl-b").Key(Tiny()).ShouldNotBe(new SweepPointKeys(4, "rtl-a").Key(Tiny()));
    }

    [Fact]
    public void The_hardware_sources_hash_follows_every_file_name_and_byte_under_the_folders()
    {
        using var folder = new TempFolder();
        string rtl = folder.File("Rtl");
        folder.Write("Rtl/a.sv", "module a; endmodule\n");
        folder.Write("Rtl/sub/b.sv", "module b; endmodule\n");
        string first = HwGenInfo.ContentHash(folder.Path, [rtl, folder.File("Missing")]);

        HwGenInfo.ContentHash(folder.Path, [rtl]).ShouldBe(first);

        folder.Write("Rtl/sub/b.sv", "module b; endmodule \n");
        string edited = HwGenInfo.ContentHash(folder.Path, [rtl]);
        edited.ShouldNotBe(first);

        File.Move(folder.File("Rtl/sub/b.sv"), folder.File("Rtl/sub/c.sv"));
        HwGenInfo.ContentHash(folder.Path, [rtl]).ShouldNotBe(edited);
    }

    [Fact]
    public void A_sweep_keys_its_points_by_the_shipped_hardware_sources()
    {
        new SweepPointKeys(4).Key(Tiny()).ShouldBe(new SweepPointKeys(4, HwGenInfo.HardwareSourcesHash).Key(Tiny()));
        HwGenInfo.HardwareSourcesHash.ShouldNotBe(HwGenInfo.ContentHash(HwGenInfo.ResourceRoot, [HwGenInfo.BoardsDir]));
    }
}
