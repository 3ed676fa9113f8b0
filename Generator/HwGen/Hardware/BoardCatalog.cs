using System.Globalization;
using HwGen.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace HwGen.Hardware;

/// <summary>
/// The boards HwGen knows: every folder under <c>Boards/</c> with a <c>board.yaml</c>. Adding a
/// board is adding a folder; nothing in the code lists them.
/// </summary>
public static class BoardCatalog
{
    private static readonly string[] Keys =
    [
        "name", "description", "vendor", "family", "part", "device", "package", "speed_grade", "clock",
        "resources", "pins", "io_standard", "uart_baud", "host", "dram",
    ];

    private static readonly string[] DramKeys = ["kind", "megabytes", "peak_mbytes_per_s", "port_bits", "port_mhz", "address"];

    private static readonly string[] ClockKeys = ["port", "pin", "mhz"];

    private static readonly string[] ResourceKeys =
        ["luts", "flip_flops", "block_rams", "block_ram_kbits", "dsps", "spram", "spram_kbits", "uram", "uram_kbits"];

    private static readonly string[] Hosts = ["jtag_axi", "zynq7_ps", "zynqmp_ps"];

    /// <summary>The names of the boards under <paramref name="boardsDirectory"/> (default: beside the binaries), sorted.</summary>
    public static IReadOnlyList<string> Names(string? boardsDirectory = null)
    {
        string root = boardsDirectory ?? HwGenInfo.BoardsDir;
        return Directory.Exists(root)
            ? [.. Directory.EnumerateDirectories(root)
                .Where(d => File.Exists(Path.Combine(d, "board.yaml")))
                .Select(Path.GetFileName)
                .OfType<string>()
                .Order(StringComparer.Ordinal)]
            : [];
    }

    /// <summary>Loads the board called <paramref name="name"/>.</summary>
    /// <exception cref="ConfigException">No such board (the message lists the boards there are), or its data file is invalid.</exception>
    public static Board Load(string name, string? boardsDirectory = null)
    {
        string root = boardsDirectory ?? HwGenInfo.BoardsDir;
        var names = Names(root);
        if (!names.Contains(name, StringComparer.Ordinal))
        {
            string near = ConfigNames.Closest(name, names) is { } n ? $"; did you mean '{n}'?" : "";
            throw new ConfigException(new ConfigError("command line", 0, 0, "--board",
                $"unknown board '{name}'; the boards are: {string.Join(", ", names)}{near}"));
        }

        return LoadFile(Path.Combine(root, name, "board.yaml"));
    }

    /// <summary>Every board, sorted by name.</summary>
    public static IReadOnlyList<Board> All(string? boardsDirectory = null) =>
        [.. Names(boardsDirectory).Select(n => Load(n, boardsDirectory))];

    /// <summary>Reads and checks one board.yaml; every problem is reported at once.</summary>
    /// <exception cref="ConfigException">The file is unreadable or invalid.</exception>
    public static Board LoadFile(string path)
    {
        var reader = new Reader(path);
        YamlMappingNode? root = null;
        try
        {
            var stream = new YamlStream();
            using var text = new StringReader(File.ReadAllText(path));
            stream.Load(text);
            root = stream.Documents.Count > 0 ? stream.Documents[0].RootNode as YamlMappingNode : null;
        }
        catch (YamlException e)
        {
            reader.Error((int)e.Start.Line, (int)e.Start.Column, "", $"YAML syntax error: {e.Message}");
        }

        if (root is null)
        {
            reader.Error(1, 1, "", "must be a mapping of board keys (name, part, clock, resources, pins, …)");
            throw new ConfigException(reader.Errors);
        }

        reader.Known(root, "", Keys);
        string folder = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(path))) ?? "";
        string name = reader.String(root, "name") ?? folder;
        if (name != folder)
        {
            reader.ValueError(root, "name", $"is '{name}' but the folder is '{folder}'; a board's name is its folder's name");
        }

        string familyText = reader.String(root, "family") ?? "";
        BoardFamily family = familyText switch
        {
            "ice40" => BoardFamily.Ice40,
            "xc7" => BoardFamily.Xc7,
            "xcup" => BoardFamily.Xcup,
            _ => BoardFamily.Ice40,
        };
        if (familyText is not ("ice40" or "xc7" or "xcup"))
        {
            reader.ValueError(root, "family", $"'{familyText}' is not a family HwGen has a flow for; use ice40, xc7 or xcup");
        }

        var clockNode = reader.Mapping(root, "clock", ClockKeys);
        var resourcesNode = reader.Mapping(root, "resources", ResourceKeys);
        var pins = new List<BoardPin>();
        if (reader.Mapping(root, "pins", null) is { } pinsNode)
        {
            foreach (var (key, value) in pinsNode.Children)
            {
                string port = ((YamlScalarNode)key).Value ?? "";
                if (value is YamlScalarNode { Value: { Length: > 0 } pin })
                {
                    pins.Add(new BoardPin(port, pin));
                }
                else
                {
                    reader.Error(value.Start, $"pins.{port}", "must be a package pin such as E3 or \"35\"");
                }
            }
        }

        BoardDram? dram = null;
        if (root.Children.ContainsKey(new YamlScalarNode("dram")) && reader.Mapping(root, "dram", DramKeys) is { } dramNode)
        {
            string address = reader.String(dramNode, "address", "dram") ?? "0";
            if (!long.TryParse(address.StartsWith("0x", StringComparison.Ordinal) ? address[2..].Replace("_", "", StringComparison.Ordinal) : "", NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out long at)
                || at < 0 || at > uint.MaxValue || at % 4096 != 0)
            {
                reader.ValueError(dramNode, "address", "dram.address", $"must be a hexadecimal address on a 4 KB page below 4 GB, such as 0x80000000, not '{address}'");
            }

            int portBits = reader.Int(dramNode, "port_bits", "dram") ?? 0;
            if (portBits is not (32 or 64 or 128 or 256 or 512))
            {
                reader.ValueError(dramNode, "port_bits", "dram.port_bits", $"must be an AXI data width of 32 to 512 bits, not {portBits}");
            }

            dram = new BoardDram(
                reader.String(dramNode, "kind", "dram") ?? "",
                reader.Int(dramNode, "megabytes", "dram") ?? 0,
                reader.Double(dramNode, "peak_mbytes_per_s", "dram", "a bandwidth in MB/s above 0") ?? 0,
                portBits,
                reader.Double(dramNode, "port_mhz", "dram", "a frequency in MHz, or 0 for the core's clock", allowZero: true) ?? 0,
                at);
        }

        int Resource(string key, bool required) =>
            resourcesNode is null ? 0 : reader.Int(resourcesNode, key, "resources", required) ?? 0;

        var board = new Board
        {
            Name = name,
            Description = reader.String(root, "description") ?? name,
            Vendor = reader.String(root, "vendor") ?? "",
            Family = family,
            Part = reader.String(root, "part") ?? "",
            Device = reader.String(root, "device") ?? "",
            Package = reader.String(root, "package") ?? "",
            SpeedGrade = reader.String(root, "speed_grade", required: false) ?? "",
            Clock = new BoardClock(
                clockNode is null ? "" : reader.String(clockNode, "port", "clock") ?? "",
                clockNode is null ? "" : reader.String(clockNode, "pin", "clock") ?? "",
                clockNode is null ? 0 : reader.Double(clockNode, "mhz", "clock") ?? 0),
            Resources = new BoardResources(
                Resource("luts", true),
                Resource("flip_flops", true),
                Resource("block_rams", true),
                Resource("block_ram_kbits", true),
                Resource("dsps", true),
                Resource("spram", false),
                Resource("spram_kbits", false),
                Resource("uram", false),
                Resource("uram_kbits", false)),
            Pins = pins,
            IoStandard = reader.String(root, "io_standard", required: false) ?? "",
            UartBaud = reader.Int(root, "uart_baud", "", required: false) ?? 0,
            Host = reader.String(root, "host", required: false) ?? "",
            Dram = dram,
            Directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".",
        };

        if (board.Vendor is not ("lattice" or "xilinx"))
        {
            reader.ValueError(root, "vendor", $"'{board.Vendor}' is not a vendor HwGen knows; use lattice or xilinx");
        }

        if (family == BoardFamily.Ice40)
        {
            if (board.UartBaud <= 0)
            {
                reader.ValueError(root, "uart_baud", "is required for an iCE40 board: the host talks to it over its UART");
            }

            if (dram is not null)
            {
                reader.ValueError(root, "dram", "is for Xilinx boards, whose block designs wire the core's AXI4 master to it; the iCE40 flow has no DRAM");
            }
        }
        else
        {
            if (!Hosts.Contains(board.Host))
            {
                reader.ValueError(root, "host", $"must be one of {string.Join(", ", Hosts)} for a Xilinx board (the AXI master of its block design)");
            }

            if (board.IoStandard.Length == 0)
            {
                reader.ValueError(root, "io_standard", "is required for a Xilinx board, e.g. LVCMOS33");
            }
        }

        foreach (var template in board.Templates.Where(t => !File.Exists(Path.Combine(board.Directory, t))))
        {
            reader.Error(1, 1, "", $"the board's folder has no {template}; a {familyText} board needs {string.Join(" and ", board.Templates)}");
        }

        if (reader.Errors.Count > 0)
        {
            throw new ConfigException(reader.Errors);
        }

        return board;
    }

    /// <summary>Reads typed values from the YAML tree and collects errors with their lines.</summary>
    private sealed class Reader(string path)
    {
        public List<ConfigError> Errors { get; } = [];

        public void Error(int line, int column, string key, string message) =>
            Errors.Add(new ConfigError(path, line, column, key, message));

        public void Error(Mark at, string key, string message) => Error((int)at.Line, (int)at.Column, key, message);

        public void Error(YamlNode node, string key, string message) => Error(node.Start, key, message);

        /// <summary>Reports a problem with the value of <paramref name="key"/> of <paramref name="parent"/>, at that value.</summary>
        public void ValueError(YamlMappingNode parent, string key, string message) => ValueError(parent, key, key, message);

        /// <summary>As above, naming the key by its full path <paramref name="path"/>.</summary>
        public void ValueError(YamlMappingNode parent, string key, string path, string message) =>
            Error(parent.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : parent, path, message);

        public void Known(YamlMappingNode node, string prefix, IReadOnlyCollection<string> keys)
        {
            foreach (var key in node.Children.Keys.OfType<YamlScalarNode>())
            {
                if (!keys.Contains(key.Value ?? ""))
                {
                    string near = ConfigNames.Closest(key.Value ?? "", keys) is { } n ? $"; did you mean '{n}'?" : "";
                    Error(key, Join(prefix, key.Value ?? ""), $"is not a board key; the keys are: {string.Join(", ", keys)}{near}");
                }
            }
        }

        public YamlMappingNode? Mapping(YamlMappingNode parent, string key, IReadOnlyCollection<string>? keys)
        {
            if (!parent.Children.TryGetValue(new YamlScalarNode(key), out var node))
            {
                Error(parent, key, "missing");
                return null;
            }

            if (node is not YamlMappingNode mapping)
            {
                Error(node, key, "must be a mapping");
                return null;
            }

            if (keys is not null)
            {
                Known(mapping, key, keys);
            }

            return mapping;
        }

        public string? String(YamlMappingNode parent, string key, string prefix = "", bool required = true)
        {
            if (!parent.Children.TryGetValue(new YamlScalarNode(key), out var node))
            {
                if (required)
                {
                    Error(parent, Join(prefix, key), "missing");
                }

                return null;
            }

            if (node is YamlScalarNode scalar)
            {
                return scalar.Value ?? "";
            }

            Error(node, Join(prefix, key), "must be a single value");
            return null;
        }

        public string? String(YamlMappingNode parent, string key, bool required) => String(parent, key, "", required);

        public int? Int(YamlMappingNode parent, string key, string prefix, bool required = true)
        {
            string? text = String(parent, key, prefix, required);
            if (text is null)
            {
                return null;
            }

            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value))
            {
                return value;
            }

            Error(parent.Children[new YamlScalarNode(key)], Join(prefix, key), $"must be a whole number ≥ 0, not '{text}'");
            return null;
        }

        public double? Double(YamlMappingNode parent, string key, string prefix, string what = "a frequency in MHz above 0", bool allowZero = false)
        {
            string? text = String(parent, key, prefix);
            if (text is null)
            {
                return null;
            }

            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && (value > 0 || (allowZero && value == 0)))
            {
                return value;
            }

            Error(parent.Children[new YamlScalarNode(key)], Join(prefix, key), $"must be {what}, not '{text}'");
            return null;
        }

        private static string Join(string prefix, string key) => prefix.Length == 0 ? key : $"{prefix}.{key}";
    }
}
