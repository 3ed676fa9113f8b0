using HwGen.Configuration;
using HwGen.Emit;

namespace HwGen.Tests.Emit;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class OutputWriterTests
{
    private static readonly GeneratedFile[] First =
    [
        GeneratedFile.Text("rtl/top.sv", "module top; endmodule"),
        GeneratedFile.Text("mem/w.mem", "01\n02"),
        GeneratedFile.Text("build.sh", "echo build", executable: true),
        GeneratedFile.Text("old.txt", "only in the first design"),
    ];

    private static readonly GeneratedFile[] Second =
    [
        GeneratedFile.Text("rtl/top.sv", "module top; endmodule"),
        GeneratedFile.Text("mem/w.mem", "03\n04"),
        GeneratedFile.Text("build.sh", "echo build", executable: true),
        GeneratedFile.Text("new.txt", "only in the second design"),
    ];

    [Fact]
    public void A_new_folder_gets_the_files_a_manifest_and_no_temporary_sibling()
    {
        using var root = new TempFolder();
        string output = root.File("out/design");

        int changed = OutputWriter.Write(output, First);

        changed.ShouldBe(4);
        File.ReadAllText(Path.Combine(output, "rtl/top.sv")).ShouldBe("module top; endmodule\n");
        File.ReadAllLines(Path.Combine(output, OutputWriter.ManifestName)).ShouldBe(["build.sh", "mem/w.mem", "old.txt", "rtl/top.sv"]);
        File.GetUnixFileMode(Path.Combine(output, "build.sh")).HasFlag(UnixFileMode.UserExecute).ShouldBeTrue();
        Directory.GetFileSystemEntries(root.File("out")).Select(Path.GetFileName).ShouldBe(["design"]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Regenerating_keeps_unchanged_files_and_other_files_as_they_were_and_drops_the_previous_generations(bool swap)
    {
        using var root = new TempFolder();
        string output = root.File("design");
        OutputWriter.Write(output, First, force: false, inputs: null, swap: swap);
        Directory.CreateDirectory(Path.Combine(output, "obj_dir"));
        File.WriteAllText(Path.Combine(output, "obj_dir/model.o"), "object code");
        var unchangedBefore = Identity(Path.Combine(output, "rtl/top.sv"));
        var buildProductBefore = Identity(Path.Combine(output, "obj_dir/model.o"));
        var folderBefore = Identity(output);

        int changed = OutputWriter.Write(output, Second, force: false, inputs: null, swap: swap);

        changed.ShouldBe(2);
        (Identity(output).Inode != folderBefore.Inode).ShouldBe(swap, "swapped in as a whole, or written in place");
        Identity(Path.Combine(output, "rtl/top.sv")).ShouldBe(unchangedBefore, "an unchanged file keeps its inode and time, so make does not rebuild");
        Identity(Path.Combine(output, "obj_dir/model.o")).ShouldBe(buildProductBefore);
        File.ReadAllText(Path.Combine(output, "mem/w.mem")).ShouldBe("03\n04\n");
        File.Exists(Path.Combine(output, "old.txt")).ShouldBeFalse();
        File.ReadAllLines(Path.Combine(output, OutputWriter.ManifestName)).ShouldBe(["build.sh", "mem/w.mem", "new.txt", "rtl/top.sv"]);
        Directory.GetFileSystemEntries(root.Path).Select(Path.GetFileName).ShouldBe(["design"]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Manifest_entries_outside_the_folder_or_through_a_link_never_delete_anything(bool swap)
    {
        using var root = new TempFolder();
        string output = root.File("design");
        string victims = root.File("victims");
        Directory.CreateDirectory(victims);
        string absolute = root.Write("victims/absolute.txt", "keep");
        root.Write("victims/parent.txt", "keep");
        root.Write("victims/linked.txt", "keep");
        root.Write("sibling.txt", "keep");
        OutputWriter.Write(output, First, force: false, inputs: null, swap: swap);
        File.CreateSymbolicLink(Path.Combine(output, "link"), victims);
        File.AppendAllLines(Path.Combine(output, OutputWriter.ManifestName),
            [absolute, "../sibling.txt", "../victims/parent.txt", "rtl/../../sibling.txt", "link/linked.txt", "./old.txt", ".hwgen-lock"]);

        OutputWriter.Write(output, Second, force: false, inputs: null, swap: swap);

        File.ReadAllText(absolute).ShouldBe("keep");
        File.ReadAllText(root.File("victims/parent.txt")).ShouldBe("keep");
        File.ReadAllText(root.File("victims/linked.txt")).ShouldBe("keep");
        File.ReadAllText(root.File("sibling.txt")).ShouldBe("keep");
        new FileInfo(Path.Combine(output, "link")).LinkTarget.ShouldBe(victims, "a link HwGen did not write stays, as a link");
    }

    [Fact]
    public void A_generated_file_in_place_of_an_input_is_refused_and_nothing_changes()
    {
        using var root = new TempFolder();
        string output = root.File("design");
        OutputWriter.Write(output, [.. First, GeneratedFile.Text("config.yaml", "name: generated")]);
        string input = root.Write("design/config.yaml", "name: mine  # edited by the user");
        var before = root.Files().ToDictionary(f => f, f => File.ReadAllText(root.File(f)));

        var error = Should.Throw<ConfigException>(() => OutputWriter.Write(output, [.. Second, GeneratedFile.Text("config.yaml", "name: generated")], force: true, inputs: [input]));

        error.Errors.Single().File.ShouldBe(input);
        error.Errors.Single().Key.ShouldBe("-o");
        error.Errors.Single().Message.ShouldContain("never replaces a file it was given");
        root.Files().ToDictionary(f => f, f => File.ReadAllText(root.File(f))).ShouldBe(before);
    }

    [Fact]
    public void An_input_reached_through_a_link_to_the_output_folder_is_refused_too()
    {
        using var root = new TempFolder();
        Directory.CreateDirectory(root.File("real"));
        File.CreateSymbolicLink(root.File("link"), root.File("real"));
        string input = root.Write("real/config.yaml", "name: mine");

        var error = Should.Throw<ConfigException>(() => OutputWriter.Write(root.File("link"), [GeneratedFile.Text("config.yaml", "name: generated")], force: true, inputs: [root.File("link/config.yaml")]));

        error.Errors.Single().Message.ShouldContain("never replaces a file it was given");
        File.ReadAllText(input).ShouldBe("name: mine");
    }

    [Fact]
    public void An_input_the_previous_generation_wrote_is_kept_when_the_new_one_does_not()
    {
        using var root = new TempFolder();
        string output = root.File("design");
        OutputWriter.Write(output, First);
        string input = Path.Combine(output, "old.txt");

        OutputWriter.Write(output, Second, inputs: [input]);

        File.ReadAllText(input).ShouldBe("only in the first design\n");
        File.ReadAllLines(Path.Combine(output, OutputWriter.ManifestName)).ShouldNotContain("old.txt");
    }

    [Fact]
    public async Task A_second_writer_of_a_held_folder_fails_clearly_and_the_folder_stays_as_it_was()
    {
        using var root = new TempFolder();
        string output = root.File("design");
        OutputWriter.Write(output, First);
        using var held = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var holder = Task.Run(() =>
        {
            using var hold = OutputWriter.Lock(output);
            held.Set();
            release.Wait();
        });
        held.Wait();

        var error = Should.Throw<ConfigException>(() => OutputWriter.Write(output, Second));
        release.Set();
        await holder;

        error.Errors.Single().Message.ShouldContain("another HwGen run is writing into this folder");
        File.Exists(Path.Combine(output, "old.txt")).ShouldBeTrue();
        File.ReadAllText(Path.Combine(output, "mem/w.mem")).ShouldBe("01\n02\n");
        OutputWriter.Write(output, Second).ShouldBe(2);
    }

    [Fact]
    public void The_thread_that_holds_a_folder_may_write_into_it()
    {
        using var root = new TempFolder();
        string output = root.File("design");

        using (OutputWriter.Lock(output))
        {
            OutputWriter.Write(output, First);
            OutputWriter.Write(output, Second).ShouldBe(2);
        }

        File.Exists(Path.Combine(output, "new.txt")).ShouldBeTrue();
    }

    [Fact]
    public void A_lock_on_a_new_folder_that_stays_empty_removes_the_folder_again()
    {
        using var root = new TempFolder();
        string output = root.File("out/design");

        using (OutputWriter.Lock(output))
        {
            Directory.Exists(output).ShouldBeTrue();
        }

        Directory.Exists(output).ShouldBeFalse();
    }

    [Fact]
    public void Temporary_siblings_of_a_killed_run_are_removed_by_the_next_run()
    {
        using var root = new TempFolder();
        string output = root.File("design");
        OutputWriter.Write(output, First);
        root.Write(".design.hwgen-999999-0A0B0C0D0E0F/rtl/top.sv", "half written");
        root.Write(".design.hwgen-notes/keep.txt", "not a temporary folder of HwGen's");
        File.WriteAllText(Path.Combine(output, "rtl/top.sv.999999-0A0B.tmp-hwgen"), "half written");

        OutputWriter.Write(output, Second);

        Directory.GetFileSystemEntries(root.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal).ShouldBe([".design.hwgen-notes", "design"]);
        File.Exists(Path.Combine(output, "rtl/top.sv.999999-0A0B.tmp-hwgen")).ShouldBeFalse();
    }

    [Fact]
    public void A_folder_holding_only_a_leftover_lock_counts_as_empty()
    {
        using var root = new TempFolder();
        root.Write("design/" + OutputWriter.LockName, string.Empty);

        Should.NotThrow(() => OutputWriter.CheckWritable(root.File("design"), force: false));
        OutputWriter.Write(root.File("design"), First).ShouldBe(4);
    }

    [Fact]
    public void An_output_folder_given_as_a_link_stays_a_link_and_its_target_gets_the_design()
    {
        using var root = new TempFolder();
        Directory.CreateDirectory(root.File("real"));
        File.CreateSymbolicLink(root.File("link"), root.File("real"));

        OutputWriter.Write(root.File("link"), First);
        OutputWriter.Write(root.File("link"), Second);

        new FileInfo(root.File("link")).LinkTarget.ShouldBe(root.File("real"));
        File.Exists(root.File("real/new.txt")).ShouldBeTrue();
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void An_empty_output_name_is_refused(string name)
    {
        var error = Should.Throw<ConfigException>(() => OutputWriter.CheckWritable(name, force: false));

        error.Errors.Single().Key.ShouldBe("-o");
        error.Errors.Single().Message.ShouldContain("empty");
    }

    [Fact]
    public void An_output_under_a_file_is_refused_without_creating_anything()
    {
        using var root = new TempFolder();
        root.Write("file", "mine");

        var error = Should.Throw<ConfigException>(() => OutputWriter.Write(root.File("file/design"), First));

        error.Errors.Single().Message.ShouldContain("is a file");
        root.Files().ShouldBe(["file"]);
        File.ReadAllText(root.File("file")).ShouldBe("mine");
    }

    [Theory]
    [InlineData("rtl/top.sv", true)]
    [InlineData("a/b/c.mem", true)]
    [InlineData("/etc/passwd", false)]
    [InlineData("../x", false)]
    [InlineData("a/../../x", false)]
    [InlineData("./x", false)]
    [InlineData("a//b", false)]
    [InlineData("a\\..\\b", false)]
    [InlineData("", false)]
    [InlineData(".hwgen-lock", false)]
    [InlineData(".hwgen-manifest", false)]
    public void Only_plain_relative_names_are_trusted_from_a_manifest(string entry, bool trusted) =>
        OutputWriter.IsPlainRelative(entry).ShouldBe(trusted);

    private static (long Inode, DateTime Time) Identity(string path)
    {
        string stat = HwGen.Tools.ProcessRunner.RunChecked("stat", ["-c", "%i", path], ".", TimeSpan.FromSeconds(30)).Stdout.Trim();
        return (long.Parse(stat, System.Globalization.CultureInfo.InvariantCulture), File.GetLastWriteTimeUtc(path));
    }
}
