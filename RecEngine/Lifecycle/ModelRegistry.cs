using System.Text.Json;
using LiteDB;
using RecEngine.Models;
using RecEngine.Catalog;
using RecEngine.Hosting;

namespace RecEngine.Lifecycle;

/// <summary>
/// The <c>models</c> collection of the store: every version written under <c>models/</c>, its training window,
/// metrics, status and the reason for it. Status changes that touch two versions (a promotion retires the serving
/// one) happen under one lock and in one transaction, flushed to stable storage, so exactly one version is serving
/// even after a crash mid-promotion.
/// </summary>
internal sealed class ModelRegistry(RecEngineStore store, DataDirectory dataDir, TimeProvider time)
{
    public const string CollectionName = "models";

    private readonly Lock _sync = new();

    // LiteDB 5.0.21 can hand a second thread a half-built entity mapper ("Member X not found on BsonMapper", LiteDB
    // issue 2536); services read the registry concurrently at start, so map the type here, once, on one thread.
    private readonly BsonDocument _mapped = store.Mapper.ToDocument(new ModelVersionRecord { Validation = new ModelValidation() });

    private ILiteCollection<ModelVersionRecord> Models => store.Database.GetCollection<ModelVersionRecord>(CollectionName);

    public string Folder(string version) => Path.Combine(dataDir.ModelsPath, version);

    public ModelVersionRecord? Get(string version) => Models.FindById(version);

    /// <summary>All versions, newest first (version names sort by creation time).</summary>
    public List<ModelVersionRecord> All() => Models.FindAll().OrderByDescending(m => m.Version, StringComparer.Ordinal).ToList();

    public ModelVersionRecord? Serving() => Models.FindOne(m => m.Status == ModelStatus.Serving);

    /// <summary>
    /// Versions to serve at start, in order: those promoted at some time and not rejected since, last promoted first.
    /// </summary>
    public List<ModelVersionRecord> PromotedNewestFirst() =>
        Models.Find(m => m.PromotedAt != null && m.Status != ModelStatus.Rejected)
            .OrderByDescending(m => m.PromotedAt).ToList();

    /// <summary>Registers the version in <paramref name="versionDir"/> as a candidate, with its window and training figures.</summary>
    public ModelVersionRecord Register(string versionDir, string trigger)
    {
        var now = Now();
        var record = new ModelVersionRecord
        {
            Version = Path.GetFileName(versionDir),
            CreatedAt = now,
            Trigger = trigger,
            Status = ModelStatus.Candidate,
            Reason = "trained, not validated yet",
            UpdatedAt = now,
        };
        ReadTrainingMetrics(versionDir, record);
        lock (_sync)
        {
            Models.Upsert(record);
        }

        return record;
    }

    /// <summary>Makes <paramref name="version"/> the serving one and retires the one before it.</summary>
    public ModelVersionRecord MarkServing(string version, string reason)
    {
        var now = Now();
        lock (_sync)
        {
            var record = Get(version) ?? throw new KeyNotFoundException($"Model version {version} is not registered.");
            // One transaction: a kill between retiring the old version and marking the new one must not leave none serving.
            var db = store.Database;
            db.BeginTrans();
            try
            {
                foreach (var serving in Models.Find(m => m.Status == ModelStatus.Serving && m.Version != version).ToList())
                {
                    serving.Status = ModelStatus.Retired;
                    serving.Reason = $"replaced by {version}";
                    serving.RetiredAt = now;
                    serving.UpdatedAt = now;
                    Models.Update(serving);
                }

                record.Status = ModelStatus.Serving;
                record.Reason = reason;
                record.PromotedAt = now;
                record.UpdatedAt = now;
                Models.Update(record);
                db.Commit();
            }
            catch
            {
                db.Rollback();
                throw;
            }

            store.Sync();
            return record;
        }
    }

    /// <summary>Marks <paramref name="version"/> rejected (failed validation or checksums) with the reason.</summary>
    public ModelVersionRecord MarkRejected(string version, string reason)
    {
        var now = Now();
        lock (_sync)
        {
            var record = Get(version) ?? throw new KeyNotFoundException($"Model version {version} is not registered.");
            record.Status = ModelStatus.Rejected;
            record.Reason = reason;
            record.RejectedAt = now;
            record.UpdatedAt = now;
            Models.Update(record);
            return record;
        }
    }

    /// <summary>Records that <paramref name="version"/> (a candidate) serves a canary from <paramref name="startedAt"/>.</summary>
    public ModelVersionRecord MarkCanary(string version, string reason, DateTime startedAt)
    {
        lock (_sync)
        {
            var record = Get(version) ?? throw new KeyNotFoundException($"Model version {version} is not registered.");
            record.Status = ModelStatus.Candidate;
            record.Reason = reason;
            record.CanaryStartedAt = startedAt;
            record.UpdatedAt = Now();
            Models.Update(record);
            return record;
        }
    }

    /// <summary>
    /// Rejects the candidates whose canary a stop interrupted (canaries live in memory and do not resume); returns
    /// their versions.
    /// </summary>
    public List<string> RejectInterruptedCanaries()
    {
        var rejected = new List<string>();
        foreach (var record in Models.Find(m => m.Status == ModelStatus.Candidate && m.CanaryStartedAt != null).ToList())
        {
            MarkRejected(record.Version, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"its canary (from {record.CanaryStartedAt:u}) was interrupted by a restart before it was decided; {record.Reason}"));
            rejected.Add(record.Version);
        }

        return rejected;
    }

    /// <summary>Stores the validation and the candidate's held-out metrics; the status is set by the decision after.</summary>
    public void RecordValidation(string version, ModelValidation validation, IReadOnlyDictionary<string, double> heldOutMetrics)
    {
        lock (_sync)
        {
            var record = Get(version) ?? throw new KeyNotFoundException($"Model version {version} is not registered.");
            record.Validation = validation;
            foreach (var (name, value) in heldOutMetrics)
            {
                record.Metrics[name] = value;
            }

            record.UpdatedAt = Now();
            Models.Update(record);
        }
    }

    /// <summary>The record of <paramref name="version"/>, registering its folder first if it predates the registry.</summary>
    public ModelVersionRecord GetOrRegister(string version, string trigger) => Get(version) ?? Register(Folder(version), trigger);

    private DateTime Now() => time.GetUtcNow().UtcDateTime;

    /// <summary>Window and the numeric top-level figures of metrics.json (events, users, ranker examples, seconds).</summary>
    private static void ReadTrainingMetrics(string versionDir, ModelVersionRecord record)
    {
        var path = ModelVersionFolder.At(versionDir).Metrics;
        if (!File.Exists(path))
        {
            return;
        }

        try
        {
            using var metrics = JsonDocument.Parse(File.ReadAllText(path));
            foreach (var property in metrics.RootElement.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "window_start" when property.Value.TryGetDateTime(out var from):
                        record.WindowFrom = from.ToUniversalTime();
                        break;
                    case "window_end" when property.Value.TryGetDateTime(out var to):
                        record.WindowTo = to.ToUniversalTime();
                        break;
                    default:
                        if (property.Value.ValueKind == JsonValueKind.Number)
                        {
                            record.Metrics[property.Name] = property.Value.GetDouble();
                        }

                        break;
                }
            }
        }
        catch (JsonException)
        {
            // A version with unreadable figures is still registered; its checksums decide whether it can serve.
        }
    }
}
