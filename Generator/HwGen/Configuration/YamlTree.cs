using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace HwGen.Configuration;

/// <summary>A YAML node with the 1-based line and column where it starts.</summary>
internal abstract class YNode(Mark start)
{
    public int Line { get; } = (int)start.Line;

    public int Column { get; } = (int)start.Column;

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
/// while HwGen reports every problem of a config at once.
/// </summary>
internal static class YamlTree
{
    /// <summary>Deeper nesting than any config needs; the limit keeps hostile input from exhausting the stack.</summary>
    private const int MaxDepth = 64;

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
            throw new YamlSyntaxException((int)e.Start.Line, (int)e.Start.Column, builder.CurrentKey, e.Message);
        }
    }

    private static string Child(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private sealed class Builder(IParser parser)
    {
        private readonly Dictionary<string, YNode> _anchors = new(StringComparer.Ordinal);

        public string CurrentKey { get; private set; } = string.Empty;

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
                throw new YamlException(second.Start, second.End, "a config file holds one YAML document; remove the second '---' and what follows it");
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

                    CurrentKey = parent;
                    parser.MoveNext();
                    return target;

                case Scalar scalar:
                    CurrentKey = parent;
                    parser.MoveNext();
                    return Register(scalar, new YScalar(scalar.Start, scalar.Value, IsPlain(scalar)));

                case SequenceStart sequenceStart:
                    return Register(sequenceStart, ParseSequence(sequenceStart, path, parent, depth));

                case MappingStart mappingStart:
                    return Register(mappingStart, ParseMapping(mappingStart, path, parent, depth));

                default:
                    throw new YamlException(current.Start, current.End, $"unexpected {current.GetType().Name}");
            }
        }

        private YSequence ParseSequence(SequenceStart start, string path, string parent, int depth)
        {
            CurrentKey = path;
            parser.MoveNext();
            var items = new List<YNode>();
            while (!parser.Accept<SequenceEnd>(out _))
            {
                items.Add(ParseNode($"{path}[{items.Count}]", path, depth + 1));
            }

            CurrentKey = parent;
            parser.MoveNext();
            return new YSequence(start.Start, items);
        }

        private YMapping ParseMapping(MappingStart start, string path, string parent, int depth)
        {
            CurrentKey = path;
            parser.MoveNext();
            var entries = new List<KeyValuePair<YScalar, YNode>>();
            while (!parser.Accept<MappingEnd>(out _))
            {
                if (parser.Current is not Scalar keyEvent)
                {
                    var here = parser.Current!;
                    throw new YamlException(here.Start, here.End, "a key must be a name such as 'pes', not a list, a mapping or an alias");
                }

                string valuePath = Child(path, keyEvent.Value);
                CurrentKey = valuePath;
                parser.MoveNext();
                var key = new YScalar(keyEvent.Start, keyEvent.Value, IsPlain(keyEvent));
                entries.Add(new KeyValuePair<YScalar, YNode>(key, ParseNode(valuePath, path, depth + 1)));
            }

            CurrentKey = parent;
            parser.MoveNext();
            return new YMapping(start.Start, entries);
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
