using HwGen.Compression;
using HwGen.Hardware;

namespace HwGen.Emit;

/// <summary>What a design folder holds: the parts <see cref="DesignWriter"/> writes for a network.</summary>
/// <param name="Network">The compressed network (a board build's carries the board's memory plan).</param>
public sealed record DesignRequest(CompressedNetwork Network)
{
    /// <summary>Memories initialised from the images; false: empty, loaded through the memory-load port (sim/load.hex).</summary>
    public bool BakeWeights { get; init; } = true;

    /// <summary>The board and host parts: a board build's RTL, top, constraints, scripts, C header and driver.</summary>
    public BoardBuild? Board { get; init; }

    /// <summary>The core-synthesis part (without a board): the iCE40 yosys script of the core alone, as <c>hwgen sweep --synth</c> runs it.</summary>
    public bool CoreSynthesis { get; init; }

    /// <summary>The reports part: the effective config and report.json.</summary>
    public DesignReport? Report { get; init; }

    /// <summary>The folder of a board build.</summary>
    public static DesignRequest For(BoardBuild build) => new(build.Network) { Board = build };
}

/// <summary>
/// The one entry point that writes a design: its parts in a fixed order — core RTL (package,
/// library, top, memory images, file list), simulation (testbench, scripts, load script), board
/// and host (or, without a board, the core's synthesis script), reports. <c>generate</c>, <c>simulate</c>, <c>synth</c> and the sweep's verification and
/// synthesis all write through it; simulation and synthesis then run the folder it wrote.
/// </summary>
public static class DesignWriter
{
    /// <summary>Every file of the design, in the parts' order.</summary>
    public static IReadOnlyList<GeneratedFile> Files(DesignRequest request, TemplateRenderer? renderer = null)
    {
        renderer ??= new TemplateRenderer();
        var layout = request.Board?.Layout ?? HardwareLayout.For(request.Network);
        var files = new List<GeneratedFile>();
        files.AddRange(DesignEmitter.Core(layout, request.BakeWeights, renderer));
        files.AddRange(DesignEmitter.Simulation(layout, renderer));
        if (request.Board is { } board)
        {
            files.AddRange(board.Files(renderer));
            files.AddRange(HostFiles.Emit(board, renderer));
        }
        else if (request.CoreSynthesis)
        {
            files.Add(DesignEmitter.CoreSynthesis(layout, renderer));
        }

        if (request.Report is { } report)
        {
            files.AddRange(report.Files(layout));
        }

        return files;
    }

    /// <summary>Writes the design into <paramref name="directory"/> (see <see cref="OutputWriter"/>); returns how many files changed.</summary>
    /// <param name="directory">The output folder.</param>
    /// <param name="request">The parts to write.</param>
    /// <param name="force">Write into a folder that holds files HwGen did not write.</param>
    /// <param name="inputs">The run's input files (config, data), which the write must never replace.</param>
    /// <exception cref="Configuration.ConfigException">The folder holds files HwGen did not write and <paramref name="force"/> is false.</exception>
    public static int Write(string directory, DesignRequest request, bool force = false, IReadOnlyCollection<string>? inputs = null) =>
        OutputWriter.Write(directory, Files(request), force, inputs);
}
