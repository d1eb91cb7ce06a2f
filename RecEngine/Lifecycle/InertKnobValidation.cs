using Microsoft.Extensions.Options;

namespace RecEngine.Lifecycle;

/// <summary>A knob of an options section that nothing reads in the mode the other knobs choose, and that mode in words.</summary>
internal readonly record struct InertKnob(string Name, string Mode);

/// <summary>
/// Fails start when a knob is set in a mode where nothing reads it, naming the knob and the mode. Set means present
/// in configuration, whatever its value (a default written out counts too): a setting that silently does nothing
/// would otherwise be found only by its missing effect.
/// </summary>
internal sealed class InertKnobValidation<TOptions>(IConfiguration configuration, string section, Func<TOptions, IEnumerable<InertKnob>> inert)
    : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var failures = inert(options)
            .Where(knob => configuration[$"{section}:{knob.Name}"] is not null)
            .Select(knob => $"{section}:{knob.Name} has no effect {knob.Mode}; remove it.")
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
