namespace RecEngine.Retrieval;

/// <summary>One observed (user, item) pair with its ALS confidence c = 1 + alpha r (Hu, Koren &amp; Volinsky 2008).</summary>
internal readonly record struct Interaction(int User, int Item, float Confidence);
