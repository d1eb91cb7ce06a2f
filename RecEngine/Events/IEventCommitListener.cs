namespace RecEngine.Events;

/// <summary>Told, on the writer thread and inside the commit lock, of events that a commit newly stored (duplicates left out).</summary>
internal interface IEventCommitListener
{
    void OnCommitted(IReadOnlyList<InteractionEvent> events);
}
