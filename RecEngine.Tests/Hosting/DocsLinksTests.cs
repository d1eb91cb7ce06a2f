using System.Text.RegularExpressions;
using RecEngine.Tests.Integration;

namespace RecEngine.Tests.Hosting;

public sealed partial class DocsLinksTests
{
    [Fact]
    public void EveryRelativeLinkOfTheReadmeAndDocsLeadsToAFileAndHeading()
    {
        var root = OpenApiTests.RepositoryRoot();
        var pages = new[] { Path.Combine(root, "README.md") }.Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md")).ToList();
        Assert.True(pages.Count >= 6, string.Join(", ", pages));
        var broken = new List<string>();
        foreach (var page in pages)
        {
            foreach (Match link in Link().Matches(File.ReadAllText(page)))
            {
                var target = link.Groups[1].Value;
                if (target.Contains("://", StringComparison.Ordinal))
                {
                    continue;
                }

                var parts = target.Split('#', 2);
                var file = parts[0].Length == 0 ? page : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, parts[0]));
                if (!File.Exists(file) && !Directory.Exists(file))
                {
                    broken.Add($"{Path.GetFileName(page)}: {target} (no such file)");
                }
                else if (parts.Length == 2 && File.Exists(file) && !Anchors(file).Contains(parts[1]))
                {
                    broken.Add($"{Path.GetFileName(page)}: {target} (no such heading)");
                }
            }
        }

        Assert.True(broken.Count == 0, string.Join("; ", broken));
    }

    /// <summary>GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens.</summary>
    private static HashSet<string> Anchors(string file) =>
        File.ReadAllLines(file).Where(l => l.StartsWith('#'))
            .Select(l => Regex.Replace(l.TrimStart('#').Trim().ToLowerInvariant(), @"[^\w\- ]", "").Replace(' ', '-'))
            .ToHashSet();

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex Link();
}
