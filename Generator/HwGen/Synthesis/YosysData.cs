using HwGen.Tools;

namespace HwGen.Synthesis;

/// <summary>Files that ship with yosys: the vendor cell models that simulate its netlists and primitives.</summary>
public static class YosysData
{
    /// <summary>
    /// yosys's data folder: <c>yosys-config --datdir</c> where that is installed (it comes with the
    /// yosys development package), else <c>share/yosys</c> beside the yosys binary.
    /// </summary>
    /// <exception cref="ToolException">yosys is not installed.</exception>
    public static string DataDirectory()
    {
        if (ProcessRunner.IsOnPath("yosys-config"))
        {
            var config = ProcessRunner.Run("yosys-config", ["--datdir"], ".", TimeSpan.FromSeconds(30));
            if (config.Succeeded && Directory.Exists(config.Stdout.Trim()))
            {
                return config.Stdout.Trim();
            }
        }

        string? yosys = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, "yosys"))
            .FirstOrDefault(File.Exists);
        string? datdir = yosys is null ? null : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(yosys)!, "..", "share", "yosys"));
        return datdir is not null && Directory.Exists(datdir)
            ? datdir
            : throw new ToolException(new ProcessResult("yosys-config --datdir", 127, "", "error: yosys and its data folder (share/yosys) were not found", TimeSpan.Zero, false));
    }

    /// <summary>The iCE40 cell models (SB_LUT4, SB_RAM40_4K, SB_SPRAM256KA, SB_MAC16, …).</summary>
    public static string Ice40CellModels() => Path.Combine(DataDirectory(), "ice40", "cells_sim.v");
}
