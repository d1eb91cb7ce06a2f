using RecEngine.Hosting;

namespace RecEngine.Tests.Hosting;

public sealed class CommandLineTests
{
    [Fact]
    public void NoVerbMeansServe()
    {
        var cmd = CommandLine.Parse(["--urls", "http://127.0.0.1:5001"]);
        Assert.Equal("serve", cmd.Verb);
        Assert.Equal(["--urls=http://127.0.0.1:5001"], cmd.HostArgs);
        Assert.Empty(cmd.Options);
    }

    [Fact]
    public void VerbOptionsAndConfigurationSwitchesAreSeparated()
    {
        var cmd = CommandLine.Parse(["import", "movielens", "--ratings", "r.csv", "--RecEngine:DataDir=/tmp/x", "--force"]);
        Assert.Equal("import", cmd.Verb);
        Assert.Equal(["movielens"], cmd.Positionals);
        Assert.Equal("r.csv", cmd.GetString("ratings"));
        Assert.Equal("true", cmd.GetString("force"));
        Assert.Equal(["--RecEngine:DataDir=/tmp/x"], cmd.HostArgs);
    }

    [Fact]
    public void HelpIsRecognised()
    {
        Assert.True(CommandLine.Parse(["generate", "--help"]).Help);
        Assert.False(CommandLine.Parse(["generate"]).Help);
    }

    [Fact]
    public void IntegersAreValidated()
    {
        var cmd = CommandLine.Parse(["generate", "--users", "abc", "--videos", "5"]);
        Assert.Equal(5, cmd.GetInt("videos", 1, min: 1));
        Assert.Equal(7, cmd.GetInt("days", 7));
        var ex = Assert.Throws<VerbUsageException>(() => cmd.GetInt("users", 1, min: 1));
        Assert.Contains("--users", ex.Message, StringComparison.Ordinal);
        Assert.Throws<VerbUsageException>(() => cmd.GetInt("videos", 1, min: 10));
    }
}
