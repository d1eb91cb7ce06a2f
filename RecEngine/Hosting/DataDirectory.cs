using Microsoft.Extensions.Options;

namespace RecEngine.Hosting;

/// <summary>Resolved paths inside the data directory.</summary>
internal sealed class DataDirectory
{
    public DataDirectory(IOptions<RecEngineOptions> options, IHostEnvironment environment)
        : this(Path.GetFullPath(options.Value.DataDir, environment.ContentRootPath))
    {
    }

    public DataDirectory(string root)
    {
        Root = Path.GetFullPath(root);
    }

    public string Root { get; }

    public string DatabasePath => Path.Combine(Root, "recengine.db");

    public string LockPath => Path.Combine(Root, "recengine.lock");

    public string ServerInfoPath => Path.Combine(Root, "recengine.server");

    public string ModelsPath => Path.Combine(Root, "models");

    public void EnsureExists() => Directory.CreateDirectory(Root);
}
