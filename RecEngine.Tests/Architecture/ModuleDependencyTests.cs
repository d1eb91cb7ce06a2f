using NetArchTest.Rules;
using RecEngine.Catalog;

namespace RecEngine.Tests.Architecture;

/// <summary>
/// The layering of ARCHITECTURE.md, read from the compiled code (NetArchTest scans method bodies too): no cycle
/// between modules, and no reference from a lower layer to a higher one.
/// </summary>
public sealed class ModuleDependencyTests
{
    private static readonly string[] Modules =
        ["Api", "Backup", "Catalog", "Cluster", "Evaluation", "Events", "Features", "Hosting", "Lifecycle", "Models", "Monitoring", "Ranking", "Retrieval", "Serving", "Simulation", "Training", "Transfer"];

    /// <summary>What each module must not use: the layers above it, and the leaves nothing may depend on (<see cref="Leaves"/>).</summary>
    private static readonly Dictionary<string, string[]> Forbidden = new()
    {
        ["Hosting"] = [.. Modules.Where(m => m != "Hosting")],
        ["Models"] = [.. Modules.Where(m => m is not ("Models" or "Hosting"))],
        ["Catalog"] = ["Events", "Features", "Retrieval", "Ranking", "Serving", "Training", "Lifecycle", "Monitoring", "Evaluation", "Backup", "Models"],
        ["Events"] = ["Features", "Retrieval", "Ranking", "Serving", "Training", "Lifecycle", "Monitoring", "Evaluation", "Backup", "Models"],
        ["Features"] = ["Retrieval", "Ranking", "Serving", "Training", "Lifecycle", "Monitoring", "Evaluation", "Backup"],
        ["Retrieval"] = ["Ranking", "Serving", "Training", "Lifecycle", "Monitoring", "Evaluation", "Backup"],
        ["Ranking"] = ["Serving", "Training", "Lifecycle", "Monitoring", "Evaluation", "Backup"],
        ["Serving"] = ["Training", "Lifecycle", "Monitoring", "Evaluation", "Backup"],
        ["Training"] = ["Serving", "Lifecycle", "Evaluation"],
        ["Monitoring"] = ["Training", "Lifecycle", "Evaluation"],
        ["Cluster"] = ["Training", "Lifecycle", "Monitoring", "Evaluation", "Backup"],
    };

    /// <summary>The entry points: the HTTP API, the synthetic platform, the file import/export verbs and the cluster role.</summary>
    private static readonly string[] Leaves = ["Api", "Simulation", "Transfer", "Cluster"];

    private static readonly Lazy<Dictionary<string, HashSet<string>>> Graph = new(Build);

    [Fact]
    public void Modules_form_no_cycle()
    {
        var graph = Graph.Value;
        var cycles = new List<string>();
        foreach (var start in Modules)
        {
            // A path from a module's dependency back to the module is a cycle through it.
            foreach (var next in graph[start])
            {
                if (Path(graph, next, start) is { } path)
                {
                    cycles.Add($"{start} -> {string.Join(" -> ", path)}");
                }
            }
        }

        Assert.True(cycles.Count == 0, "Module cycles:\n" + string.Join("\n", cycles));
    }

    [Fact]
    public void No_module_references_a_layer_above_it_or_an_entry_point()
    {
        var graph = Graph.Value;
        var upward = new List<string>();
        foreach (var from in Modules)
        {
            var forbidden = Forbidden.GetValueOrDefault(from, []).Concat(Leaves.Where(leaf => leaf != from));
            upward.AddRange(forbidden.Where(graph[from].Contains).Distinct().Select(to => $"{from} -> {to}"));
        }

        Assert.True(upward.Count == 0, "References against the layering:\n" + string.Join("\n", upward));
    }

    [Fact]
    public void The_graph_sees_known_references()
    {
        // Guards the test itself: a scan that found nothing would pass the two above.
        var graph = Graph.Value;
        Assert.Contains("Catalog", graph["Events"]);
        Assert.Contains("Retrieval", graph["Serving"]);
        Assert.Contains("Models", graph["Serving"]);
        Assert.DoesNotContain("Serving", graph["Catalog"]);
    }

    private static Dictionary<string, HashSet<string>> Build()
    {
        var assembly = typeof(RecEngineStore).Assembly;
        var graph = Modules.ToDictionary(m => m, _ => new HashSet<string>());
        foreach (var from in Modules)
        {
            foreach (var to in Modules.Where(m => m != from))
            {
                var users = Types.InAssembly(assembly).That().ResideInNamespace($"RecEngine.{from}").And().HaveDependencyOn($"RecEngine.{to}").GetTypes();
                if (users.Any(t => t.Namespace == $"RecEngine.{from}" || t.Namespace?.StartsWith($"RecEngine.{from}.", StringComparison.Ordinal) == true))
                {
                    graph[from].Add(to);
                }
            }
        }

        return graph;
    }

    private static List<string>? Path(Dictionary<string, HashSet<string>> graph, string from, string to)
    {
        var previous = new Dictionary<string, string?> { [from] = null };
        var queue = new Queue<string>([from]);
        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            if (node == to)
            {
                var path = new List<string>();
                for (string? n = node; n is not null; n = previous[n])
                {
                    path.Insert(0, n);
                }

                return path;
            }

            foreach (var next in graph[node].Where(n => !previous.ContainsKey(n)))
            {
                previous[next] = node;
                queue.Enqueue(next);
            }
        }

        return null;
    }
}
