using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;

namespace WebChat.Configuration;

/// <summary>One setting as the configuration reference lists it.</summary>
internal sealed record ConfigurationSetting(string Key, string Type, string Default, string EnvironmentVariable, string Description);

/// <summary>
/// The configuration reference, made from the options classes themselves: every class with a
/// <c>SectionName</c> constant is a section, every settable property a setting, its XML summary the description
/// and a new instance's value the default. `WebChat config-reference` writes it; a test keeps the docs' copy current.
/// </summary>
internal static class ConfigurationReference
{
    public static IReadOnlyList<Assembly> Assemblies { get; } =
        [typeof(WebChatOptions).Assembly, typeof(WebChat.Engine.Inference.InferenceOptions).Assembly];

    /// <summary>Every options class of the given assemblies: those that name their section.</summary>
    public static IReadOnlyList<Type> OptionsTypes(IEnumerable<Assembly> assemblies) =>
        assemblies.SelectMany(assembly => assembly.GetTypes())
            .Where(type => SectionOf(type) is not null)
            .OrderBy(type => SectionOf(type), StringComparer.Ordinal)
            .ThenBy(type => type.Name, StringComparer.Ordinal)
            .ToList();

    public static IReadOnlyList<ConfigurationSetting> Settings(IEnumerable<Assembly> assemblies)
    {
        var docs = XmlDocumentation.Load(assemblies);
        return OptionsTypes(assemblies)
            .SelectMany(type => SettingsOf(type, SectionOf(type)!, Activator.CreateInstance(type), docs))
            .ToList();
    }

    public static string ToMarkdown(IReadOnlyList<ConfigurationSetting> settings)
    {
        var text = new StringBuilder();
        text.AppendLine("# Configuration reference");
        text.AppendLine();
        text.AppendLine("Generated from the options classes by `WebChat config-reference --out docs/reference/configuration.md`;");
        text.AppendLine("a test fails when this page and the code disagree. Set a value in `appsettings.json`, on the command line");
        text.AppendLine("(`--Section:Key=value`) or in the environment (the last column: `:` becomes `__`). `N` stands for a list index");
        text.AppendLine("(0, 1, ...).");
        foreach (var section in settings.GroupBy(setting => SectionKey(setting.Key)).OrderBy(group => group.Key, StringComparer.Ordinal))
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"## {section.Key}");
            text.AppendLine();
            text.AppendLine("| Setting | Type | Default | Environment variable | What it does |");
            text.AppendLine("| --- | --- | --- | --- | --- |");
            foreach (var setting in section)
            {
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| `{setting.Key}` | {setting.Type} | {Cell(setting.Default)} | `{setting.EnvironmentVariable}` | {Cell(setting.Description)} |");
            }
        }

        return text.ToString();
    }

    private static string SectionKey(string key) => key.Contains(':', StringComparison.Ordinal) ? key[..key.LastIndexOf(':')] : key;

    private static string Cell(string value) =>
        value.Replace("|", "\\|", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static string? SectionOf(Type type) =>
        type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field
        && field.FieldType == typeof(string)
        && !type.IsAbstract
        && type.GetConstructor(Type.EmptyTypes) is not null
            ? (string?)field.GetRawConstantValue()
            : null;

    private static IEnumerable<ConfigurationSetting> SettingsOf(Type type, string prefix, object? instance, XmlDocumentation docs)
    {
        foreach (var property in BindableProperties(type))
        {
            var key = $"{prefix}:{property.Name}";
            var value = instance is null ? null : property.GetValue(instance);
            var description = docs.Summary(property);
            if (IsSection(property.PropertyType))
            {
                foreach (var nested in SettingsOf(property.PropertyType, key, value, docs))
                {
                    yield return nested;
                }
            }
            else if (ListElement(property.PropertyType) is { } element && IsSection(element))
            {
                foreach (var nested in SettingsOf(element, key + ":N", Activator.CreateInstance(element), docs))
                {
                    yield return nested;
                }
            }
            else
            {
                yield return new ConfigurationSetting(key, TypeName(property.PropertyType), Format(value), key.Replace(":", "__", StringComparison.Ordinal), description);
            }
        }
    }

    private static IEnumerable<PropertyInfo> BindableProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(property => property.GetIndexParameters().Length == 0)
            .Where(property => property.SetMethod is { IsPublic: true } || IsStoredSection(type, property));

    // A get-only auto-property holding a section or list binds into its instance; a computed one (=> new ...) binds nothing.
    private static bool IsStoredSection(Type type, PropertyInfo property) =>
        (IsSection(property.PropertyType) || ListElement(property.PropertyType) is not null)
        && type.GetField($"<{property.Name}>k__BackingField", BindingFlags.NonPublic | BindingFlags.Instance) is not null;

    private static bool IsSection(Type type) =>
        type.IsClass && type != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(type) && type.GetConstructor(Type.EmptyTypes) is not null;

    private static Type? ListElement(Type type) =>
        type == typeof(string) ? null
        : type.IsArray ? type.GetElementType()
        : type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type) && type.GetGenericArguments().Length == 1 ? type.GetGenericArguments()[0]
        : null;

    private static string TypeName(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return TypeName(underlying) + " (optional)";
        }

        if (type.IsEnum)
        {
            return string.Join(" \\| ", Enum.GetNames(type));
        }

        if (ListElement(type) is { } element)
        {
            return $"list of {TypeName(element)}";
        }

        return type switch
        {
            _ when type == typeof(string) => "text",
            _ when type == typeof(bool) => "true/false",
            _ when type == typeof(int) || type == typeof(long) => "integer",
            _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => "number",
            _ when type == typeof(TimeSpan) => "time span (hh:mm:ss)",
            _ => type.Name,
        };
    }

    private static string Format(object? value) => value switch
    {
        null => "",
        string text => text.Length == 0 ? "(empty)" : $"`{text}`",
        bool flag => flag ? "true" : "false",
        TimeSpan span => span.ToString("c", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable items => string.Join(", ", items.Cast<object?>().Select(Format)) is { Length: > 0 } joined ? joined : "(none)",
        _ => value.ToString() ?? "",
    };
}
