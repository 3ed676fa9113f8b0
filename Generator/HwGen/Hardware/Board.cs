namespace HwGen.Hardware;

/// <summary>The FPGA families HwGen has a flow for; each decides the tools and the board files.</summary>
public enum BoardFamily
{
    /// <summary>Lattice iCE40 UltraPlus: yosys synth_ice40, nextpnr-ice40, icepack (the whole open flow).</summary>
    Ice40,

    /// <summary>Xilinx 7-series (Artix-7, Zynq-7000): Vivado scripts; here a yosys synth_xilinx estimate.</summary>
    Xc7,

    /// <summary>Xilinx UltraScale+ (Zynq UltraScale+): Vivado scripts; here a yosys synth_xilinx estimate.</summary>
    Xcup,
}

/// <summary>The resources of a board's FPGA, as its data sheet counts them.</summary>
/// <param name="Luts">LUTs (iCE40: logic cells, one LUT4 and one flip-flop each).</param>
/// <param name="FlipFlops">Flip-flops.</param>
/// <param name="BlockRams">Block RAMs: iCE40 EBRs (4 kbit), Xilinx RAMB36 (36 kbit, or two RAMB18).</param>
/// <param name="BlockRamKbits">Bits of one block RAM, in kbit.</param>
/// <param name="Dsps">Multiplier blocks: iCE40 SB_MAC16, Xilinx DSP48.</param>
/// <param name="Spram">iCE40 UltraPlus single-port RAMs (SB_SPRAM256KA).</param>
/// <param name="SpramKbits">Bits of one SPRAM, in kbit.</param>
/// <param name="Uram">Xilinx UltraRAMs (URAM288).</param>
/// <param name="UramKbits">Bits of one UltraRAM, in kbit.</param>
public sealed record BoardResources(
    int Luts,
    int FlipFlops,
    int BlockRams,
    int BlockRamKbits,
    int Dsps,
    int Spram = 0,
    int SpramKbits = 0,
    int Uram = 0,
    int UramKbits = 0);

/// <summary>
/// The DRAM a Xilinx board's block design wires to the core's AXI4 read master (designs with
/// <c>hardware.weight_memory: external</c>).
/// </summary>
/// <param name="Kind">What the memory is and how the core reaches it, for reports.</param>
/// <param name="Megabytes">Its size.</param>
/// <param name="PeakMbytesPerSecond">The memory's own peak (bus width × transfer rate).</param>
/// <param name="PortBits">Data width of the slave port the core's master reaches it through.</param>
/// <param name="PortMhz">That port's clock; 0 when it runs at the core's clock (a Zynq HP port clocked by the fabric).</param>
/// <param name="Address">Where the memory starts in the core's address space.</param>
public sealed record BoardDram(string Kind, int Megabytes, double PeakMbytesPerSecond, int PortBits, double PortMhz, long Address)
{
    /// <summary>Bytes a second the core can read at most: the memory's peak or the port's, the lower.</summary>
    public double MbytesPerSecond(double coreMhz) => Math.Min(PeakMbytesPerSecond, PortBits / 8.0 * (PortMhz > 0 ? PortMhz : coreMhz));

    /// <summary>Bytes a core cycle the board delivers at most at <paramref name="coreMhz"/>.</summary>
    public double BytesPerCycle(double coreMhz) => MbytesPerSecond(coreMhz) / coreMhz;
}

/// <summary>The board's oscillator: the top-level port it drives, its pin and its frequency.</summary>
public sealed record BoardClock(string Port, string Pin, double Mhz);

/// <summary>One top-level port of a board top and the package pin it is constrained to.</summary>
public sealed record BoardPin(string Port, string Pin);

/// <summary>
/// One board, read from <c>Boards/&lt;name&gt;/board.yaml</c>: what its FPGA is, what it holds and
/// which pins its top uses. The board's own templates (its top or block design and its
/// constraints) sit beside the data file in <see cref="Directory"/>.
/// </summary>
public sealed record Board
{
    /// <summary>The folder name, e.g. <c>arty-a7-100t</c>; what <c>--board</c> takes.</summary>
    public required string Name { get; init; }

    public required string Description { get; init; }

    /// <summary><c>lattice</c> or <c>xilinx</c>.</summary>
    public required string Vendor { get; init; }

    public required BoardFamily Family { get; init; }

    /// <summary>The full part as the vendor's tools name it, e.g. <c>xc7a100tcsg324-1</c>.</summary>
    public required string Part { get; init; }

    /// <summary>The device without package and grade: <c>up5k</c> (nextpnr-ice40), <c>xc7a100t</c>.</summary>
    public required string Device { get; init; }

    public required string Package { get; init; }

    /// <summary>Speed grade, e.g. <c>-1</c>; empty for a family with one grade.</summary>
    public required string SpeedGrade { get; init; }

    public required BoardClock Clock { get; init; }

    public required BoardResources Resources { get; init; }

    /// <summary>Top-level ports and their pins, in the order the data file lists them.</summary>
    public required IReadOnlyList<BoardPin> Pins { get; init; }

    /// <summary>The I/O standard of every pin (Xilinx); empty where the family has no choice.</summary>
    public string IoStandard { get; init; } = "";

    /// <summary>UART boards: the baud rate of the host link.</summary>
    public int UartBaud { get; init; }

    /// <summary>Xilinx boards: the AXI master of the block design (<c>jtag_axi</c>, <c>zynq7_ps</c>, <c>zynqmp_ps</c>).</summary>
    public string Host { get; init; } = "";

    /// <summary>Xilinx boards: the DRAM for external weights; null on a board without one.</summary>
    public BoardDram? Dram { get; init; }

    /// <summary>The board's folder, holding board.yaml and its templates.</summary>
    public required string Directory { get; init; }

    /// <summary>The name as a Verilog identifier part: <c>arty-a7-100t</c> → <c>arty_a7_100t</c>.</summary>
    public string Identifier => Name.Replace('-', '_');

    /// <summary>Whether the open flow can build a bitstream here (iCE40), rather than only estimate.</summary>
    public bool HasOpenFlow => Family == BoardFamily.Ice40;

    /// <summary>The templates of the board folder its family needs, relative to <see cref="Directory"/>.</summary>
    public IReadOnlyList<string> Templates => Family == BoardFamily.Ice40
        ? ["top.sv.hbs", "constraints.pcf.hbs"]
        : ["constraints.xdc.hbs", "bd.tcl.hbs"];
}
