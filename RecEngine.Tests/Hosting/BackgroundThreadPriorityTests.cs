using RecEngine.Hosting;

namespace RecEngine.Tests.Hosting;

public sealed class BackgroundThreadPriorityTests
{
    [Fact]
    public void LowersOnlyTheCallingThreadsNiceValueOnLinux()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.False(BackgroundThreadPriority.Lower(7));
            return;
        }

        var (lowered, nice) = (false, -1);
        var thread = new Thread(() =>
        {
            lowered = BackgroundThreadPriority.Lower(7);
            nice = NiceOfThisThread();
        });
        thread.Start();
        thread.Join();

        Assert.True(lowered);
        Assert.Equal(7, nice);
        Assert.NotEqual(7, NiceOfThisThread());
    }

    /// <summary>Field 19 of /proc/thread-self/stat (after the parenthesised command name, which may hold spaces).</summary>
    private static int NiceOfThisThread()
    {
        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[16], System.Globalization.CultureInfo.InvariantCulture);
    }
}
