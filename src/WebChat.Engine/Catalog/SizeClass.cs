namespace WebChat.Engine.Catalog;

/// <summary>Coarse model size from the parameter count: tiny &lt;100M, small to 1B, medium to 7B, large to 13B, xlarge beyond.</summary>
public enum SizeClass
{
    Tiny,
    Small,
    Medium,
    Large,
    XLarge,
}

/// <summary>Maps parameter counts to <see cref="SizeClass"/>.</summary>
public static class SizeClasses
{
    // "13B" models have 13.0-13.4B parameters and "7B" ones 7.0-7.6B: the upper bound of large allows for that.
    private const long LargeUpperBound = 13_500_000_000;

    public static SizeClass FromParameters(long parameters) => parameters switch
    {
        < 100_000_000 => SizeClass.Tiny,
        < 1_000_000_000 => SizeClass.Small,
        < 7_000_000_000 => SizeClass.Medium,
        < LargeUpperBound => SizeClass.Large,
        _ => SizeClass.XLarge,
    };
}
