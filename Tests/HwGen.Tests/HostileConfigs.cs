using System.Text;

namespace HwGen.Tests;

/// <summary>
/// Config and sweep files written as a hostile user would (issue 11): broken YAML, bombs, odd
/// encodings, extreme numbers, structures in the wrong place. Each must give exactly one error
/// naming the file, the marked line and the key, through the library and through the CLI (exit
/// code 2, no stack trace, nothing written). The config cases run with <see cref="MalformedInputs"/>.
/// </summary>
internal static class HostileConfigs
{
    public static IReadOnlyList<MalformedInput> Configs { get; } =
    [
        new("flow_mapping_unclosed_at_end_of_file",
            """
            name: bad
            layers:
              - outputs: 4
            input: { size: 10   # <--
            """,
            "input.size", "at the end of the file"),

        new("flow_mapping_unclosed_before_crlf",
            """
            name: bad
            input: { size: 10   # <--
            layers:
              - outputs: 4
            """,
            "input.size", "YAML syntax error", Encode: Crlf),

        new("tab_indent_is_reported_where_the_tab_is",
            "name: bad\ninput:\n\tsize: 8   # <--\nlayers:\n  - outputs: 4\n",
            "input", "tab"),

        new("name_with_a_trailing_newline",
            """
            name: "accel\n"    # <--
            input:
              size: 8
            layers:
              - outputs: 4
            """,
            "name", @"'accel\n' is not a valid name"),

        new("design_name_of_300_characters",
            $"name: {new string('a', 300)}   # <--\ninput:\n  size: 8\nlayers:\n  - outputs: 4\n",
            "name", "at most 64 are allowed"),

        new("layer_name_of_65_characters",
            $"name: ok\ninput:\n  size: 8\nlayers:\n  - name: {new string('l', 65)}   # <--\n    outputs: 4\n",
            "layers[0].name", "is 65 characters long"),

        new("alias_bomb_of_100000_layers",
            "name: bad\ninput:\n  size: 8\nlayers:\n  - &l {outputs: 4}   # <--\n" + string.Concat(Enumerable.Repeat("  - *l\n", 99_999)),
            "layers", "has 100000 layers; at most 1000 are allowed"),

        new("aliases_that_expand_to_a_billion_values",
            "name: bad\ninput:\n  size: 8\nlayers:\n  - &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
            + string.Concat("abcde".Zip("bcdef", (from, to) => $"  - &{to} [{string.Join(", ", Enumerable.Repeat($"*{from}", 10))}]{(to == 'f' ? "   # <--" : string.Empty)}\n")),
            "layers", "expands to more than 1,000,000 values"),

        new("layers_beyond_the_limit_written_out",
            "name: bad\ninput:\n  size: 8\nlayers:\n  - outputs: 4   # <--\n" + string.Concat(Enumerable.Repeat("  - outputs: 4\n", 1000)),
            "layers", "has 1001 layers"),

        new("network_beyond_the_weights_one_process_holds",
            """
            name: bad
            input:
              size: 1000000
            layers:
              - outputs: 2000
              - outputs: 1000000   # <--
            """,
            "layers[1].outputs", "brings the network to 4000000000 weights"),

        new("integer_beyond_32_bits",
            "name: bad\ninput:\n  size: 8\nlayers:\n  - outputs: 4\nhardware:\n  pes: 99999999999999999999   # <--\n",
            "hardware.pes", "must be in 1..1024, got 99999999999999999999"),

        new("real_that_overflows_to_infinity",
            "name: bad\ninput:\n  size: 8\nlayers:\n  - outputs: 4\nhardware:\n  clock_mhz: 1e999   # <--\n",
            "hardware.clock_mhz", "must be a finite number in (0, 1000], got 1e999"),

        new("not_a_number",
            "name: bad\ninput:\n  size: 8\n  density: .nan   # <--\nlayers:\n  - outputs: 4\n",
            "input.density", "must be a finite number in [0, 1], got .nan"),

        new("nested_200_levels_deep",
            $"name: bad\ninput:\n  size: {new string('[', 200)}{new string(']', 200)}   # <--\nlayers:\n  - outputs: 4\n",
            "input.size", "nested more than 64 levels deep"),

        new("byte_order_mark_keeps_lines_and_columns",
            "name: bad\ninput:\n  size: 8\nlayers:\n  - outputs: 4\nhardware:\n  pes: 0   # <--\n",
            "hardware.pes", "must be in 1..1024, got 0", Encode: text => [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)]),

        new("crlf_line_ends_keep_lines_and_columns",
            "name: bad\ninput:\n  size: 8\nlayers:\n  - outputs: 4\n    weights: {density: 1.5}   # <--\n",
            "layers[0].weights.density", "must be in [0, 1], got 1.5", Encode: Crlf),

        new("utf16_with_byte_order_mark_is_read",
            "name: bad\ninput:\n  size: 8\nlayers:\n  - outputs: 0   # <--\n",
            "layers[0].outputs", "must be in 1..1000000, got 0", Encode: text => [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(text)]),

        new("byte_that_is_not_utf8",
            "name: caf\u00FF   # <--\ninput:\n  size: 8\nlayers:\n  - outputs: 4\n",
            "name", "is not UTF-8 text here", Encode: text => [.. Encoding.UTF8.GetBytes(text).SelectMany(b => b == 0xC3 ? [] : b == 0xBF ? new byte[] { 0xFF } : [b])]),

        new("control_character",
            "name: bad\ninput:\n  size: 8\u0001   # <--\nlayers:\n  - outputs: 4\n",
            "input.size", "holds the control character U+0001"),

        new("list_where_a_mapping_belongs",
            "name: bad\ninput:\n  size: 8\nlayers:\n  - outputs: 4\nhardware: [4, 8]   # <--\n",
            "hardware", "hardware must be a mapping of keys (pes, fifo_depth"),

        new("mapping_where_the_list_of_layers_belongs",
            "name: bad\ninput:\n  size: 8\nlayers:\n  name: fc1   # <--\n  outputs: 4\n",
            "layers", "expected a list of layers"),

        new("a_key_that_is_a_list",
            "name: bad\ninput:\n  size: 8\nlayers:\n  - outputs: 4\nhardware: {[pes]: 4}   # <--\n",
            "hardware", "a key must be a name"),

        new("merge_key",
            "name: bad\ninput:\n  size: 8\nlayers:\n  - outputs: 4\n    weights: &w {density: 0.2}\n  - outputs: 2\n    weights:\n      <<: *w   # <--\n",
            "layers[1].weights.<<", "merge key"),

        new("document_that_is_a_scalar",
            "just a sentence   # <--\n",
            string.Empty, "the config file must be a mapping of keys"),

        new("key_in_upper_case",
            "name: bad\ninput:\n  size: 8\nlayers:\n  - outputs: 4\nhardware:\n  PES: 4   # <--\n",
            "hardware.PES", "did you mean 'pes'?"),

        new("boolean_where_an_integer_belongs",
            "name: bad\ninput:\n  size: 8\nlayers:\n  - outputs: 4\nhardware:\n  pes: true   # <--\n",
            "hardware.pes", "expected an integer in 1..1024, got 'true'"),
    ];

    public static IReadOnlyList<MalformedInput> Sweeps { get; } =
    [
        Sweep("flow_mapping_unclosed_before_crlf", "axes: {hardware.pes: [1, 2]   # <--\nvectors: 2\n", "axes", "YAML syntax error", Crlf),
        Sweep("tab_indent", "axes:\n\thardware.pes: [1, 2]   # <--\n", "axes", "tab"),
        Sweep("range_of_a_million_values", "axes:\n  layers[*].outputs: {from: 1, to: 1000000, step: 1}   # <--\n", "axes.layers[*].outputs", "gives more than 10000 values"),
        Sweep(
            "aliases_that_repeat_an_axis_twenty_times",
            $"axes:   # <--\n  layers[0].outputs: &v [{string.Join(", ", Enumerable.Range(1, 10_000))}]\n"
            + string.Concat(Enumerable.Range(1, 19).Select(i => $"  layers[{i}].outputs: *v\n")),
            "axes", "the axes hold 200000 values in all"),
        Sweep("aliases_that_expand_to_a_billion_values", "x: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
            + string.Concat("abcde".Zip("bcdef", (from, to) => $"{to}: &{to} [{string.Join(", ", Enumerable.Repeat($"*{from}", 10))}]{(to == 'f' ? "   # <--" : string.Empty)}\n"))
            + "axes: {hardware.pes: *f}\n", "f", "expands to more than 1,000,000 values"),
        Sweep("integer_beyond_32_bits", "axes:\n  hardware.pes: [1]\nvectors: 99999999999999   # <--\n", "vectors", "must be in 1..10000, got 99999999999999"),
        Sweep("real_that_overflows_to_infinity", "axes:\n  hardware.clock_mhz: [100, 1e999]   # <--\n", "axes.hardware.clock_mhz[1]", "must be a finite number"),
        Sweep("not_a_number_in_a_range", "axes:\n  hardware.clock_mhz: {from: .nan, to: 5, step: 1}   # <--\n", "axes.hardware.clock_mhz.from", "expected a number, got '.nan'"),
        Sweep("nested_200_levels_deep", $"axes:\n  hardware.pes: {new string('[', 200)}{new string(']', 200)}   # <--\n", "axes.hardware.pes", "nested more than 64 levels deep"),
        Sweep("merge_key_among_the_axes", "axes:\n  <<: {hardware.pes: [1]}   # <--\n", "axes.<<", "merge key"),
        Sweep("list_where_the_axes_mapping_belongs", "axes: [hardware.pes]   # <--\n", "axes", "expected a mapping of config keys to values"),
        Sweep("mapping_where_the_metrics_list_belongs", "axes:\n  hardware.pes: [1]\nmetrics: {cycles: 1}   # <--\n", "metrics", "expected a list of metric names"),
        Sweep("objective_with_both_goals", "axes:\n  hardware.pes: [1]\nobjectives:\n  - {minimize: luts, maximize: luts}   # <--\n", "objectives[0]", "give exactly one of minimize"),
        Sweep("axis_key_that_is_a_list", "axes:\n  [hardware.pes]: [1]   # <--\n", "axes", "a key must be a name"),
        Sweep("two_axes_that_set_the_same_key", "axes:\n  layers[*].outputs: [1]\n  layers[0].outputs: [2]   # <--\n", "axes.layers[0].outputs", "sets the same key as the axis 'layers[*].outputs'"),
        Sweep("byte_that_is_not_utf8", "name: caf\u00FF   # <--\naxes:\n  hardware.pes: [1]\n", "name", "is not UTF-8 text",
            text => [.. Encoding.UTF8.GetBytes(text).SelectMany(b => b == 0xC3 ? [] : b == 0xBF ? new byte[] { 0xFF } : [b])]),
        Sweep("control_character_in_the_title", "name: a\u0001b   # <--\naxes:\n  hardware.pes: [1]\n", "name", "holds the control character U+0001"),
        Sweep("byte_order_mark_keeps_lines", "axes:\n  hardware.pes: [0]   # <--\n", "axes.hardware.pes[0]", "0 is out of range", text => [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)]),
    ];

    /// <summary>The base config every sweep case starts from.</summary>
    public const string BaseConfig = "name: base\ninput:\n  size: 8\nlayers:\n  - outputs: 4\n  - outputs: 2\n";

    private static MalformedInput Sweep(string name, string body, string key, string message, Func<string, byte[]>? encode = null) =>
        new(name, body.Contains("base:", StringComparison.Ordinal) ? body : "base: base.yaml\n" + body, key, message,
            folder => folder.Write("base.yaml", BaseConfig), encode, "sweep.yaml");

    private static byte[] Crlf(string text) => Encoding.UTF8.GetBytes(text.Replace("\n", "\r\n", StringComparison.Ordinal));
}
