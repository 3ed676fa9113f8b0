namespace HwGen.Tests.Sweep;

/// <summary>Small sweeps for tests: a quick base network and sweep files around it, written into a temp folder.</summary>
internal static class SweepFiles
{
    /// <summary>16 inputs → 12 → 6, random weights: every point takes milliseconds.</summary>
    public const string BaseConfig = """
        name: minimlp
        seed: 2
        input:
          size: 16
          density: 0.5
        layers:
          - name: fc1
            outputs: 12
            weights:
              density: 0.4
          - name: fc2
            outputs: 6
            activation: none
            weights:
              density: 0.5
        hardware:
          pes: 3
        """;

    /// <summary>12 points over three axes, one of them a compression axis.</summary>
    public const string Grid = """
        name: small grid
        base: base.yaml
        vectors: 3
        axes:
          hardware.pes: [1, 2, 3]
          hardware.fifo_depth: [1, 4]
          compression.codebook_bits: [3, 4]
        constraints:
          - cycles < 1000
        objectives:
          - minimize: latency_us
          - minimize: luts
        """;

    /// <summary>Writes base.yaml and the sweep file; returns the sweep file's path.</summary>
    public static string Arrange(TempFolder folder, string sweep, string name = "sweep.yaml")
    {
        folder.Write("base.yaml", BaseConfig);
        return folder.Write(name, sweep);
    }

    /// <summary>The 1-based line of the first line containing <paramref name="text"/>.</summary>
    public static int LineOf(string yaml, string text) =>
        Array.FindIndex(yaml.Split('\n'), l => l.Contains(text, StringComparison.Ordinal)) + 1;
}
