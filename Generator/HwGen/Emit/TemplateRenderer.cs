using HandlebarsDotNet;

namespace HwGen.Emit;

/// <summary>
/// Renders the text templates under <c>Templates/</c> strictly: a variable the model does not
/// provide is an error naming the template and the variable, never an empty string.
/// </summary>
public sealed class TemplateRenderer
{
    private readonly IHandlebars _handlebars;
    private readonly Dictionary<string, HandlebarsTemplate<object, object>> _cache = new(StringComparer.Ordinal);
    private readonly string _root;

    public TemplateRenderer(string? root = null)
    {
        _root = root ?? HwGenInfo.TemplatesDir;
        _handlebars = Handlebars.Create(new HandlebarsConfiguration
        {
            ThrowOnUnresolvedBindingExpression = true,
            NoEscape = true,
        });
    }

    /// <summary>Renders the template at <paramref name="relativePath"/> (under Templates/) with a model.</summary>
    public string Render(string relativePath, object model)
    {
        if (!_cache.TryGetValue(relativePath, out var template))
        {
            string path = Path.Combine(_root, relativePath);
            if (!File.Exists(path))
            {
                throw new TemplateException($"template {relativePath} not found under {_root}");
            }

            template = _handlebars.Compile(File.ReadAllText(path));
            _cache[relativePath] = template;
        }

        try
        {
            return template(model);
        }
        catch (HandlebarsException e)
        {
            throw new TemplateException($"template {relativePath}: {e.Message}", e);
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
