using System.Globalization;
using HwGen.Compression;
using HwGen.Hardware;

namespace HwGen.Emit;

/// <summary>
/// Everything decided about one design on one board before any tool runs: where the memories
/// live, the clock (the iCE40 PLL's dividers and the frequency they give), the UART bit time and
/// the design's signature; and the board part of <see cref="DesignWriter"/> (the board's RTL, top
/// or block design, constraints and scripts).
/// </summary>
public sealed record BoardBuild
{
    /// <summary>Seconds a UART command may pause between bytes before the board abandons it.</summary>
    public const double UartTimeoutSeconds = 0.25;

    /// <summary>The largest UART baud-rate error a receiver tolerates here, as a fraction.</summary>
    public const double MaxBaudError = 0.02;

    /// <summary>The network with the board's memory plan in its spec.</summary>
    public required CompressedNetwork Network { get; init; }

    public required HardwareLayout Layout { get; init; }

    public required Board Board { get; init; }

    /// <summary>Where the memories live on this board (the planner's resolution of <c>auto</c>).</summary>
    public MemoryPlan Plan => Network.Spec.Memory;

    /// <summary>The clock the spec asks for (<c>hardware.clock_mhz</c>).</summary>
    public double RequestedMhz => Network.Spec.ClockMhz;

    /// <summary>The clock the core gets: the PLL's output, or the oscillator when no PLL is needed.</summary>
    public required double ClockMhz { get; init; }

    /// <summary>iCE40 boards whose clock is not the oscillator's: the PLL setting.</summary>
    public Ice40PllSetting? Pll { get; init; }

    /// <summary>UART boards: clock cycles per bit.</summary>
    public int ClksPerBit { get; init; }

    public required uint Signature { get; init; }

    public string Name => Network.Name;

    /// <summary>The top module of the build: the board top (iCE40) or the AXI top (Xilinx).</summary>
    public string Top => Board.Family == BoardFamily.Ice40 ? $"{Name}_{Board.Identifier}" : $"{Name}_axi";

    /// <summary>Hand-written RTL the board's wrapper adds to the design's library.</summary>
    public IReadOnlyList<string> BoardLibrary => Board.Family == BoardFamily.Ice40
        ? ["hwgen_uart_rx.sv", "hwgen_uart_tx.sv", "hwgen_uart_host.sv"]
        : ["hwgen_axi_host.sv"];

    /// <summary>Sources of the build in dependency order, relative to the output folder.</summary>
    public IReadOnlyList<string> Sources =>
    [
        .. DesignEmitter.RtlSources(Network),
        .. BoardLibrary.Select(f => $"rtl/{f}"),
        TopFile,
    ];

    /// <summary>The top's file: the board top (iCE40, SystemVerilog) or the AXI top (Xilinx, Verilog for Vivado's module reference).</summary>
    public string TopFile => Board.Family == BoardFamily.Ice40 ? $"board/{Top}.sv" : $"rtl/{Top}.v";

    /// <summary>Decides the memory plan, the clock and the UART timing of a design on a board.</summary>
    /// <exception cref="HardwareSpecException">The board cannot give the spec's clock, baud rate or memories.</exception>
    public static BoardBuild Prepare(CompressedNetwork network, Board board)
    {
        double requested = network.Spec.ClockMhz;
        double clock = requested;
        Ice40PllSetting? pll = null;
        int clksPerBit = 0;

        static HardwareSpecException ClockError(string message) => new("hardware.clock_mhz", message);

        if (board.Family == BoardFamily.Ice40)
        {
            if (Math.Abs(requested - board.Clock.Mhz) > 1e-9)
            {
                pll = Ice40Pll.Find(board.Clock.Mhz, requested)
                    ?? throw ClockError(Text($"{board.Name}'s PLL makes {Ice40Pll.MinOutputMhz:0}–{Ice40Pll.MaxOutputMhz:0} MHz from its {board.Clock.Mhz:0.###} MHz oscillator; ask for a clock in that range, or exactly {board.Clock.Mhz:0.###} MHz for no PLL"));
                clock = pll.OutputMhz;
            }

            clksPerBit = (int)Math.Round(clock * 1e6 / board.UartBaud);
            double error = Math.Abs((clock * 1e6 / clksPerBit) - board.UartBaud) / board.UartBaud;
            if (clksPerBit < 4 || error > MaxBaudError)
            {
                throw ClockError(Text($"at {clock:0.###} MHz the UART cannot run at {board.Name}'s {board.UartBaud} baud (error {error:P1}); raise the clock"));
            }
        }

        var plan = MemoryPlanner.Plan(HardwareLayout.For(network), board);
        var planned = network with { Spec = network.Spec with { Memory = plan } };
        var layout = HardwareLayout.For(planned);
        return new BoardBuild
        {
            Network = planned,
            Layout = layout,
            Board = board,
            ClockMhz = clock,
            Pll = pll,
            ClksPerBit = clksPerBit,
            Signature = DesignSignature.Compute(layout),
        };
    }

    /// <summary>The board part, in a fixed order: the board's RTL, top or block design and constraints, and the scripts.</summary>
    public IReadOnlyList<GeneratedFile> Files(TemplateRenderer renderer)
    {
        var boardRenderer = new TemplateRenderer(Board.Directory);
        var model = TemplateModel();
        var files = new List<GeneratedFile>();
        foreach (var file in BoardLibrary)
        {
            files.Add(GeneratedFile.Text($"rtl/{file}", File.ReadAllText(Path.Combine(HwGenInfo.RtlDir, file))));
        }

        if (Board.Family == BoardFamily.Ice40)
        {
            files.Add(GeneratedFile.Text($"board/{Top}.sv", boardRenderer.Render("top.sv.hbs", model)));
            files.Add(GeneratedFile.Text($"board/{Board.Name}.pcf", boardRenderer.Render("constraints.pcf.hbs", model)));
            files.Add(GeneratedFile.Text("synth.ys", renderer.Render(DesignEmitter.Ice40SynthesisTemplate, model)));
            files.Add(GeneratedFile.Text("build_ice40.sh", renderer.Render("boards/ice40/build_ice40.sh.hbs", model), executable: true));
            files.Add(GeneratedFile.Text("build_board_sim.sh", renderer.Render("boards/ice40/build_board_sim.sh.hbs", model), executable: true));
            files.Add(GeneratedFile.Text("tb/hwgen_uart_harness.cpp", File.ReadAllText(Path.Combine(HwGenInfo.TestbenchesDir, "verilator", "hwgen_uart_harness.cpp"))));
        }
        else
        {
            files.Add(GeneratedFile.Text(TopFile, renderer.Render("boards/xilinx/axi_top.v.hbs", model)));
            files.Add(GeneratedFile.Text($"board/{Board.Name}.xdc", boardRenderer.Render("constraints.xdc.hbs", model)));
            files.Add(GeneratedFile.Text("board/bd.tcl", boardRenderer.Render("bd.tcl.hbs", model)));
            files.Add(GeneratedFile.Text("build_vivado.tcl", renderer.Render("boards/xilinx/build_vivado.tcl.hbs", model)));
            files.Add(GeneratedFile.Text("estimate.ys", renderer.Render("boards/xilinx/estimate.ys.hbs", model)));
            files.Add(GeneratedFile.Text("estimate_abc9.ys", renderer.Render("boards/xilinx/estimate.ys.hbs", new Dictionary<string, object>(model) { ["abc9"] = true })));
            files.Add(GeneratedFile.Text("build_estimate.sh", renderer.Render("boards/xilinx/build_estimate.sh.hbs", model), executable: true));
        }

        return files;
    }

    /// <summary>The variables the board templates see.</summary>
    public Dictionary<string, object> TemplateModel()
    {
        var model = DesignEmitter.TemplateModel(Layout);
        model["board"] = Board.Name;
        model["boardId"] = Board.Identifier;
        model["boardDescription"] = Board.Description;
        model["part"] = Board.Part;
        model["device"] = Board.Device;
        model["package"] = Board.Package;
        model["family"] = Board.Family.ToString().ToLowerInvariant();
        model["ioStandard"] = Board.IoStandard;
        model["top"] = Top;
        model["sources"] = Sources;
        model["svSources"] = Sources.Where(s => s != TopFile).ToList();
        model["streamBits"] = 8 * ((Layout.ActivationBits + 7) / 8);
        model["pins"] = Board.Pins.Select(p => new Dictionary<string, object> { ["port"] = p.Port, ["pin"] = p.Pin }).ToList();
        model["signature"] = Signature.ToString("x8", CultureInfo.InvariantCulture);
        model["clockMhz"] = Number(ClockMhz);
        model["clockText"] = Text($"{ClockMhz:0.###} MHz");
        model["pnrMhz"] = Number(ClockMhz);
        model["seed"] = 1;
        model["pcf"] = $"board/{Board.Name}.pcf";
        model["usePll"] = Pll is null ? 0 : 1;
        model["divR"] = Pll?.DivR ?? 0;
        model["divF"] = Pll?.DivF ?? 0;
        model["divQ"] = Pll?.DivQ ?? 1;
        model["filterRange"] = Pll?.FilterRange ?? 1;
        model["pllText"] = Pll?.ToString() ?? Text($"the {Board.Clock.Mhz:0.###} MHz oscillator, no PLL");
        model["baud"] = Board.UartBaud;
        model["clksPerBit"] = ClksPerBit;
        model["timeoutCycles"] = (long)Math.Round(UartTimeoutSeconds * ClockMhz * 1e6);
        model["timeoutSeconds"] = Number(UartTimeoutSeconds);
        model["yosysFamily"] = Board.Family == BoardFamily.Xcup ? "xcup" : "xc7";
        model["host"] = Board.Host;
        model["clockPort"] = Board.Clock.Port;
        model["target"] = $"for the {Board.Description}";
        model["runBy"] = "Run by build_ice40.sh.";
        model["netlist"] = true;
        model["abc9"] = false;
        return model;
    }

    private static string Number(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
