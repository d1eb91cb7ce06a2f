namespace RecEngine.Simulation;

/// <summary>
/// Retention in the simulated platform: each user's visit rate responds to how satisfying their recent sessions
/// were. A user's sessions per day are Poisson(activity x m). A session's satisfaction is ln(1 + minutes watched)
/// (watches and skips): time well spent, with diminishing returns. After each day, for every user with sessions,
/// <c>log m &lt;- (1 - memory) log m + sensitivity (S - reference)</c>, with S the day's mean satisfaction per
/// session. The reference is the mean over all sessions of the first day played (unless set), so the first day's
/// slates hold rates where they are and later slates move them by how much better or worse they satisfy. Days without
/// a session leave m as it was: a user who stopped coming sees no slates to change their mind, and comes back rarely.
/// m stays in [<see cref="Floor"/>, <see cref="Ceiling"/>]. The form follows the habit models of user return (Wu et
/// al., "Returning is believing", WSDM 2017): the chance of a return rises with the satisfaction of recent visits.
/// </summary>
internal sealed class VisitRates
{
    public const double Floor = 0.1, Ceiling = 4;

    private readonly double[] _logMultiplier;
    private readonly double[] _satisfactionToday;
    private readonly int[] _sessionsToday;

    public VisitRates(int users, RetentionSettings settings)
    {
        if (!(settings.Sensitivity >= 0) || !(settings.Memory is >= 0 and <= 1) || settings.Reference is < 0 or double.NaN)
        {
            throw new ArgumentOutOfRangeException(nameof(settings), "Retention needs sensitivity >= 0, memory in [0, 1] and a reference >= 0.");
        }

        Settings = settings;
        Reference = settings.Reference;
        _logMultiplier = new double[users];
        _satisfactionToday = new double[users];
        _sessionsToday = new int[users];
    }

    public RetentionSettings Settings { get; }

    /// <summary>The satisfaction per session at which a rate holds: set, or the first day's mean once it is played.</summary>
    public double? Reference { get; private set; }

    /// <summary>A session's satisfaction from the seconds watched in it (watches and skips).</summary>
    public static double Satisfaction(double watchedSeconds) => Math.Log(1 + (Math.Max(0, watchedSeconds) / 60));

    /// <summary>The factor on a user's base activity today.</summary>
    public double Multiplier(int user) => Math.Exp(_logMultiplier[user]);

    /// <summary>Starts a day: forgets the last day's sessions.</summary>
    public void BeginDay()
    {
        Array.Clear(_satisfactionToday);
        Array.Clear(_sessionsToday);
    }

    /// <summary>A user's day: satisfaction summed over its sessions (each user is recorded by one thread).</summary>
    public void Record(int user, double satisfaction, int sessions)
    {
        _satisfactionToday[user] = satisfaction;
        _sessionsToday[user] = sessions;
    }

    /// <summary>Ends a day: moves the rate of every user who had sessions (the first day sets the reference first).</summary>
    public void EndDay()
    {
        var reference = Reference ??= MeanSatisfactionToday();
        for (var user = 0; user < _logMultiplier.Length; user++)
        {
            var sessions = _sessionsToday[user];
            if (sessions == 0)
            {
                continue;
            }

            var next = ((1 - Settings.Memory) * _logMultiplier[user]) + (Settings.Sensitivity * ((_satisfactionToday[user] / sessions) - reference));
            _logMultiplier[user] = Math.Clamp(next, Math.Log(Floor), Math.Log(Ceiling));
        }
    }

    /// <summary>Satisfaction per session over all sessions of the day recorded so far.</summary>
    public double MeanSatisfactionToday()
    {
        var sessions = _sessionsToday.Sum(s => (long)s);
        return sessions == 0 ? 0 : _satisfactionToday.Sum() / sessions;
    }

    /// <summary>The mean multiplier over users (1 when nobody's rate has moved).</summary>
    public double MeanMultiplier() => _logMultiplier.Average(Math.Exp);
}

/// <summary>
/// How strongly and for how long satisfaction moves the visit rate of simulated users (<see cref="VisitRates"/>).
/// Sensitivity 0 turns retention off: every user keeps their base activity.
/// </summary>
internal sealed record RetentionSettings
{
    /// <summary>Change of the log visit rate per unit of satisfaction above or below <see cref="Reference"/>.</summary>
    public double Sensitivity { get; init; } = 0.3;

    /// <summary>Share of the accumulated change forgotten each day with sessions.</summary>
    public double Memory { get; init; } = 0.3;

    /// <summary>Satisfaction per session at which a rate holds; null takes the first day's mean.</summary>
    public double? Reference { get; init; }
}
