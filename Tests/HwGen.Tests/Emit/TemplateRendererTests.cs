using HwGen.Emit;

namespace HwGen.Tests.Emit;

/// <summary>Strict templates: HTML and SVG templates encode what they insert, partials are files by path, nothing missing is rendered as empty.</summary>
public class TemplateRendererTests
{
    [Fact]
    public void An_html_template_encodes_double_braces_and_inserts_triple_braces_as_they_are()
    {
        using var folder = new TempFolder();
        folder.Write("page.html.hbs", "<p>{{text}}</p>{{{markup}}}\n");

        string html = new TemplateRenderer(folder.Path).Render("page.html.hbs", new { text = "a < b & \"c\" 'd' é", markup = "<b>x</b>" });

        html.ShouldBe("<p>a &lt; b &amp; &quot;c&quot; &#39;d&#39; &#233;</p><b>x</b>\n");
    }

    [Fact]
    public void A_text_template_inserts_text_as_it_is()
    {
        using var folder = new TempFolder();
        folder.Write("script.sh.hbs", "echo '{{text}}'\n");

        string text = new TemplateRenderer(folder.Path).Render("script.sh.hbs", new { text = "a < b & c" });

        text.ShouldBe("echo 'a < b & c'\n");
    }

    [Fact]
    public void A_partial_is_the_file_of_its_path_rendered_with_the_context_it_is_given()
    {
        using var folder = new TempFolder();
        folder.Write("parts/style.css", "p { color: red; }\n");
        folder.Write("parts/row.html.hbs", "<tr><td>{{name}}</td></tr>\n");
        folder.Write("page.html.hbs", "<style>\n{{> parts/style.css}}</style>\n{{#each rows}}\n{{> parts/row.html.hbs}}\n{{/each}}\n{{> parts/row.html.hbs first}}\n<end>\n");

        string html = new TemplateRenderer(folder.Path).Render("page.html.hbs", new { rows = new[] { new { name = "a&b" }, new { name = "c" } }, first = new { name = "z" } });

        html.ShouldBe("<style>\np { color: red; }\n</style>\n<tr><td>a&amp;b</td></tr>\n<tr><td>c</td></tr>\n<tr><td>z</td></tr>\n<end>\n");
    }

    [Fact]
    public void A_variable_the_model_lacks_is_an_error_naming_the_template_and_the_variable()
    {
        using var folder = new TempFolder();
        folder.Write("page.html.hbs", "<p>{{title}}</p>\n");

        var error = Should.Throw<TemplateException>(() => new TemplateRenderer(folder.Path).Render("page.html.hbs", new { name = "x" }));

        error.Message.ShouldContain("page.html.hbs");
        error.Message.ShouldContain("title");
    }

    [Fact]
    public void A_partial_that_is_not_there_is_an_error_naming_it()
    {
        using var folder = new TempFolder();
        folder.Write("page.html.hbs", "{{> parts/missing.css}}\n");

        var error = Should.Throw<TemplateException>(() => new TemplateRenderer(folder.Path).Render("page.html.hbs", new { }));

        error.Message.ShouldContain("parts/missing.css");
    }
}
