using System.Globalization;
using System.Xml.Linq;
using BackupConsole.Core.Localization;
using BackupConsole.Localization;
using BackupConsole.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;

namespace BackupConsole.Tests.Localization;

/// <summary>All UI text goes through resx: Simplified Chinese by default, English complete.</summary>
public sealed class ResourceCompletenessTests
{
    public static TheoryData<string> ResourceFiles() => new()
    {
        "BackupConsole/Localization/UiText",
        "BackupConsole.Core/Localization/CoreText",
    };

    private static Dictionary<string, string> Load(string path) =>
        XDocument.Load(path).Root!.Elements("data")
            .ToDictionary(d => d.Attribute("name")!.Value, d => d.Element("value")?.Value ?? "");

    [Theory]
    [MemberData(nameof(ResourceFiles))]
    public void English_has_exactly_the_keys_of_Chinese_and_no_empty_text(string baseName)
    {
        var chinese = Load(Path.Combine(RepositoryPaths.Root, baseName + ".resx"));
        var english = Load(Path.Combine(RepositoryPaths.Root, baseName + ".en.resx"));

        Assert.Equal(chinese.Keys.Order(), english.Keys.Order());
        Assert.All(chinese.Concat(english), pair => Assert.False(string.IsNullOrWhiteSpace(pair.Value), $"{pair.Key} is empty"));
    }

    [Theory]
    [MemberData(nameof(ResourceFiles))]
    public void The_default_text_is_Chinese_and_the_English_text_is_not(string baseName)
    {
        static bool HasCjk(string s) => s.Any(c => c is >= '\u4e00' and <= '\u9fff');
        var chinese = Load(Path.Combine(RepositoryPaths.Root, baseName + ".resx"));
        var english = Load(Path.Combine(RepositoryPaths.Root, baseName + ".en.resx"));

        // A few neutral values are names or units that read the same in both languages.
        Assert.True(chinese.Values.Count(HasCjk) >= chinese.Count * 0.9, "Most default texts should be Chinese.");
        Assert.DoesNotContain(english, pair => HasCjk(pair.Value));
    }

    [Fact]
    public void Localizers_find_both_languages_at_run_time()
    {
        var services = new ServiceCollection().AddLogging().AddLocalization().BuildServiceProvider();
        var ui = services.GetRequiredService<IStringLocalizer<UiText>>();
        var core = services.GetRequiredService<IStringLocalizer<CoreText>>();
        var original = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = new CultureInfo("zh-CN");
            Assert.Equal(("备份网关", false), (ui["Nav.Gateways"].Value, ui["Nav.Gateways"].ResourceNotFound));
            Assert.Equal("运行中", core["GatewayStatus.Running"].Value);
            CultureInfo.CurrentUICulture = new CultureInfo("en-US");
            Assert.Equal(("Backup Gateways", false), (ui["Nav.Gateways"].Value, ui["Nav.Gateways"].ResourceNotFound));
            Assert.Equal("Running", core["GatewayStatus.Running"].Value);
        }
        finally
        {
            CultureInfo.CurrentUICulture = original;
        }
    }
}
