using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace HwGen.Configuration;

/// <summary>A YAML node with the 1-based line and column where it starts.</summary>
internal abstract class YNode(Mark start)
{
    public int Line { get; } = (int)start.Line;

    public int Column { get; } = (int)start.Column;

    /// <summary>Nodes in this one's subtree with every alias expanded (itself included).</summary>
    public long Size { get; init; } = 1;

    /// <summary>What the node is, for "expected X, got Y" messages.</summary>
    public abstract string Describe();
}

internal sealed class YScalar(Mark start, string value, bool isPlain) : YNode(start)
{
    public string Value { get; } = value;

    /// <summary>Unquoted and untagged: the only form in which YAML gives numbers, booleans and null.</summary>
    public bool IsPlain { get; } = isPlain;

    /// <summary><c>key:</c> with nothing after it, or <c>~</c> / <c>null</c>.</summary>
    public bool IsNull => IsPlain && Value is "" or "~" or "null" or "Null" or "NULL";

    public override string Describe() =>
        IsNull ? "no value" : IsPlain ? $"'{Value}'" : $"the string \"{Value}\"";
}

internal sealed class YSequence(Mark start, IReadOnlyList<YNode> items) : YNode(start)
{
    public IReadOnlyList<YNode> Items { get; } = items;

    public override string Describe() => "a list";
}

/// <summary>A mapping whose entries keep their order and any duplicate keys (reported later, all at once).</summary>
internal sealed class YMapping(Mark start, IReadOnlyList<KeyValuePair<YScalar, YNode>> entries) : YNode(start)
{
    public IReadOnlyList<KeyValuePair<YScalar, YNode>> Entries { get; } = entries;

    public override string Describe() => "a mapping";
}

/// <summary>A YAML syntax error: where YamlDotNet stopped, and the key it was reading then.</summary>
internal sealed class YamlSyntaxException(int line, int column, string key, string message) : Exception(message)
{
    public int Line { get; } = line;

    public int Column { get; } = column;

    /// <summary>Dotted path of the node being read when parsing stopped; empty at the top level.</summary>
    public string Key { get; } = key;
}

/// <summary>
/// Builds a positioned tree from YamlDotNet's parser events. The representation model
/// (<c>YamlStream</c>) would carry positions too, but it stops at the first duplicate key,
/// while HwGen reports every problem of a config at once. Hostile text ends in a
/// <see cref="YamlSyntaxException"/>, never another exception: nesting deeper than any config
/// needs, aliases that expand to more nodes than any config has, and YamlDotNet's own failures.
/// </summary>
internal static class YamlTree
{
    /// <summary>Deeper nesting than any config needs; the limit keeps hostile input from exhausting the stack.</summary>
    public const int MaxDepth = 64;

    /// <summary>
    /// Most nodes a document may expand to through aliases: a config of 1000 layers has about
    /// 20,000. An alias costs nothing to parse but repeats what it names wherever it is read.
    /// </summary>
    public const long MaxNodes = 1_000_000;

    /// <summary>The document's root node, or null when the text holds no document (empty, or comments only).</summary>
    /// <exception cref="YamlSyntaxException">The text is not well-formed YAML, or holds more than one document.</exception>
    public static YNode? Parse(string text)
    {
        var builder = new Builder(new Parser(new StringReader(text)));
        try
        {
            return builder.ParseStream();
        }
        catch (YamlException e)
        {
            var (line, column) = e.Message.Contains(" tab ", StringComparison.Ordinal) ? TabPosition(text, (int)e.Start.Line) : ((int)e.Start.Line, (int)e.Start.Column);
            throw Located(text, line, column, builder.CurrentKey, e.Message);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException or NullReferenceException)
        {
            // YamlDotNet fails this way on some malformed text (an unclosed flow collection before CRLF).
            var at = builder.LastMark;
            throw Located(text, (int)at.Line, (int)at.Column, builder.CurrentKey, "malformed YAML after this point (an unclosed [ or {, or a stray character)");
        }
    }

    /// <summary>An error past the last line (YAML that ends too early) is put at the end of the last line.</summary>
    private static YamlSyntaxException Located(string text, int line, int column, string key, string message)
    {
        var lines = text.TrimEnd('\n', '\r').Split('\n');
        if (line > lines.Length)
        {
            (line, column, message) = (lines.Length, lines[^1].TrimEnd('\r').Length + 1, $"{message} (at the end of the file)");
        }

        return new YamlSyntaxException(Math.Max(line, 1), Math.Max(column, 1), key, message);
    }

    /// <summary>YamlDotNet reports a tab indent where the enclosing block starts; the tab is the first one that indents a line from there on.</summary>
    private static (int Line, int Column) TabPosition(string text, int from)
    {
        var lines = text.Split('\n');
        int i = Array.FindIndex(lines, Math.Clamp(from - 1, 0, lines.Length), line => line.TrimStart(' ').StartsWith('\t'));
        return i < 0 ? (from, 1) : (i + 1, lines[i].IndexOf('\t', StringComparison.Ordinal) + 1);
    }

    /// <summary>The dotted path of the key written last at or before a position (empty when there is none).</summary>
    public static string KeyAt(YNode? node, int line, int column, string path = "", int depth = 0)
    {
        var children = node switch
        {
            YMapping mapping => mapping.Entries.Select(e => (At: (YNode)e.Key, Value: e.Value, Path: Child(path, e.Key.Value))),
            YSequence sequence => sequence.Items.Select((item, i) => (At: item, Value: item, Path: $"{path}[{i}]")),
            _ => [],
        };
        var last = children.LastOrDefault(c => (c.At.Line, c.At.Column).CompareTo((line, column)) <= 0);
        return last.Path is null || depth > MaxDepth ? path : KeyAt(last.Value, line, column, last.Path, depth + 1);
    }

    /// <summary><c>input.size[0][0]</c> → <c>input.size</c>: messages name the key, not a position deep in a hostile list.</summary>
    private static string TrimIndices(string path)
    {
        while (path.EndsWith(']') && path.LastIndexOf('[') is var open and > 0)
        {
            path = path[..open];
        }

        return path;
    }

    private static string Child(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private sealed class Builder(IParser parser)
    {
        private readonly Dictionary<string, YNode> _anchors = new(StringComparer.Ordinal);
        private long _nodes;

        public string CurrentKey { get; private set; } = string.Empty;

        /// <summary>The end of the last event read: where parsing stopped when YamlDotNet gives no position.</summary>
        public Mark LastMark { get; private set; } = Mark.Empty;

        public YNode? ParseStream()
        {
            parser.Consume<StreamStart>();
            if (parser.TryConsume<StreamEnd>(out _))
            {
                return null;
            }

            parser.Consume<DocumentStart>();
            YNode root = ParseNode(string.Empty, string.Empty, depth: 0);
            parser.Consume<DocumentEnd>();
            if (parser.Accept<DocumentStart>(out var second))
            {
                CurrentKey = string.Empty;
                throw new YamlException(second.Start, second.End, "a config or sweep file holds one YAML document; remove the second '---' and what follows it");
            }

            parser.Consume<StreamEnd>();
            return root;
        }

        // YamlDotNet scans the next token when it moves past an event, so a syntax error surfaces
        // while the event before it is consumed. Before each move, CurrentKey is set to the key
        // the upcoming text belongs to: after a key, its value; after a value, the enclosing node.

        /// <param name="path">The node's dotted path.</param>
        /// <param name="parent">The enclosing node's path, which owns what follows this node.</param>
        /// <param name="depth">Nesting depth, limited to <see cref="MaxDepth"/>.</param>
        private YNode ParseNode(string path, string parent, int depth)
        {
            var current = parser.Current!;
            if (depth > MaxDepth)
            {
                CurrentKey = TrimIndices(path);
                throw new YamlException(current.Start, current.End, $"nested more than {MaxDepth} levels deep");
            }

            switch (current)
            {
                case AnchorAlias alias:
                    if (!_anchors.TryGetValue(alias.Value.Value, out var target))
                    {
                        CurrentKey = path;
                        throw new YamlException(alias.Start, alias.End, $"alias *{alias.Value.Value} refers to no anchor defined before it");
                    }

                    CurrentKey = TrimIndices(path);
                    Count(alias, target.Size);
                    CurrentKey = parent;
                    Next();
                    return target;

                case Scalar scalar:
                    Count(scalar, 1);
                    CurrentKey = parent;
                    Next();
                    return Register(scalar, new YScalar(scalar.Start, scalar.Value, IsPlain(scalar)));

                case SequenceStart sequenceStart:
                    Count(sequenceStart, 1);
                    return Register(sequenceStart, ParseSequence(sequenceStart, path, parent, depth));

                case MappingStart mappingStart:
                    Count(mappingStart, 1);
                    return Register(mappingStart, ParseMapping(mappingStart, path, parent, depth));

                default:
                    throw new YamlException(current.Start, current.End, "expected a value here");
            }
        }

        private YSequence ParseSequence(SequenceStart start, string path, string parent, int depth)
        {
            CurrentKey = path;
            Next();
            var items = new List<YNode>();
            long size = 1;
            while (!parser.Accept<SequenceEnd>(out _))
            {
                var item = ParseNode($"{path}[{items.Count}]", path, depth + 1);
                items.Add(item);
                size += item.Size;
            }

            CurrentKey = parent;
            Next();
            return new YSequence(start.Start, items) { Size = size };
        }

        private YMapping ParseMapping(MappingStart start, string path, string parent, int depth)
        {
            CurrentKey = path;
            Next();
            var entries = new List<KeyValuePair<YScalar, YNode>>();
            long size = 1;
            while (!parser.Accept<MappingEnd>(out _))
            {
                if (parser.Current is not Scalar keyEvent)
                {
                    var here = parser.Current!;
                    throw new YamlException(here.Start, here.End, "a key must be a name such as 'pes', not a list, a mapping or an alias");
                }

                string valuePath = Child(path, keyEvent.Value);
                CurrentKey = valuePath;
                Count(keyEvent, 1);
                Next();
                var key = new YScalar(keyEvent.Start, keyEvent.Value, IsPlain(keyEvent));
                var value = ParseNode(valuePath, path, depth + 1);
                entries.Add(new KeyValuePair<YScalar, YNode>(key, value));
                size += 1 + value.Size;
            }

            CurrentKey = parent;
            Next();
            return new YMapping(start.Start, entries) { Size = size };
        }

        private void Next()
        {
            LastMark = parser.Current?.End ?? LastMark;
            parser.MoveNext();
        }

        /// <summary>Counts nodes as if every alias were expanded, and stops at <see cref="MaxNodes"/>.</summary>
        private void Count(ParsingEvent at, long nodes)
        {
            _nodes += nodes;
            if (_nodes > MaxNodes)
            {
                throw new YamlException(at.Start, at.End, $"the document expands to more than {MaxNodes:N0} values (aliases repeat what they name); no config is that large");
            }
        }

        private static bool IsPlain(Scalar scalar) => scalar.Style == ScalarStyle.Plain && scalar.Tag.IsEmpty;

        private YNode Register(NodeEvent nodeEvent, YNode node)
        {
            if (!nodeEvent.Anchor.IsEmpty)
            {
                _anchors[nodeEvent.Anchor.Value] = node;
            }

            return node;
        }
    }
}
