using System.Net;
using System.Text;
using HandlebarsDotNet;

namespace HwGen.Emit;

/// <summary>
/// Renders the text templates under <c>Templates/</c> strictly: a variable the model does not
/// provide is an error naming the template and the variable, never an empty string. Templates of
/// HTML and SVG (<c>*.html.hbs</c>, <c>*.svg.hbs</c>) HTML-encode what <c>{{x}}</c> inserts
/// (<c>{{{x}}}</c> inserts markup as it is); the others insert text as it is. A partial
/// <c>{{> reports/sweep.css}}</c> is the file of that path under <c>Templates/</c>.
/// </summary>
public sealed class TemplateRenderer
{
    private readonly IHandlebars _text;
    private readonly IHandlebars _markup;
    private readonly Dictionary<string, HandlebarsTemplate<object, object>> _cache = new(StringComparer.Ordinal);
    private readonly string _root;

    public TemplateRenderer(string? root = null)
    {
        _root = root ?? HwGenInfo.TemplatesDir;
        _text = Create(markup: false);
        _markup = Create(markup: true);
    }

    /// <summary>Renders the template at <paramref name="relativePath"/> (under Templates/) with a model.</summary>
    public string Render(string relativePath, object model)
    {
        if (!_cache.TryGetValue(relativePath, out var template))
        {
            bool markup = relativePath.EndsWith(".html.hbs", StringComparison.Ordinal) || relativePath.EndsWith(".svg.hbs", StringComparison.Ordinal);
            template = (markup ? _markup : _text).Compile(Read(relativePath));
            _cache[relativePath] = template;
        }

        try
        {
            return template(model);
        }
        catch (Exception e) when (e is HandlebarsException or HandlebarsDotNet.Compiler.HandlebarsUndefinedBindingException)
        {
            throw new TemplateException($"template {relativePath}: {e.Message}", e);
        }
    }

    private IHandlebars Create(bool markup) => Handlebars.Create(new HandlebarsConfiguration
    {
        ThrowOnUnresolvedBindingExpression = true,
        NoEscape = !markup,
        TextEncoder = markup ? new HtmlTextEncoder() : null,
        PartialTemplateResolver = new PartialResolver(this),
        MissingPartialTemplateHandler = new MissingPartial(),
    });

    private string Read(string relativePath)
    {
        string path = Path.Combine(_root, relativePath);
        return File.Exists(path) ? File.ReadAllText(path) : throw new TemplateException($"template {relativePath} not found under {_root}");
    }

    /// <summary>Loads a partial from the file of its name under the templates folder.</summary>
    private sealed class PartialResolver(TemplateRenderer renderer) : IPartialTemplateResolver
    {
        public bool TryRegisterPartial(IHandlebars env, string? partialName, string? templatePath)
        {
            if (partialName is null || !File.Exists(Path.Combine(renderer._root, partialName)))
            {
                return false;
            }

            env.RegisterTemplate(partialName, renderer.Read(partialName));
            return true;
        }
    }

    private sealed class MissingPartial : IMissingPartialTemplateHandler
    {
        public void Handle(ICompiledHandlebarsConfiguration configuration, string partialName, in EncodedTextWriter textWriter) =>
            throw new TemplateException($"partial {partialName} not found under Templates/");
    }

    /// <summary>HTML-encodes as <see cref="WebUtility.HtmlEncode(string)"/> does (&lt; &gt; &amp; " ' and Latin-1 as numeric entities).</summary>
    private sealed class HtmlTextEncoder : ITextEncoder
    {
        public void Encode(StringBuilder? text, TextWriter target) => target.Write(WebUtility.HtmlEncode(text?.ToString()));

        public void Encode(string? text, TextWriter target) => target.Write(WebUtility.HtmlEncode(text));

        public void Encode<T>(T? text, TextWriter target)
            where T : IEnumerator<char>
        {
            var chars = new StringBuilder();
            while (text is not null && text.MoveNext())
            {
                chars.Append(text.Current);
            }

            target.Write(WebUtility.HtmlEncode(chars.ToString()));
        }
    }
}

/// <summary>A template could not be rendered (a defect of HwGen, not bad user input).</summary>
public sealed class TemplateException : Exception
{
    public TemplateException(string message)
        : base(message)
    {
    }

    public TemplateException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
