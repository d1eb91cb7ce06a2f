using System.Text.Json;
using RecEngine.Hosting;

namespace RecEngine.Tests.Integration;

public static class TestJson
{
    /// <summary>The app's own JSON settings (snake_case, enums as strings).</summary>
    public static JsonSerializerOptions Options => ServiceDefaults.Json;
}
