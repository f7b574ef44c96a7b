namespace WebChat.Data.Entities;

/// <summary>A setting an admin changes at run time (e.g. AllowRegistration); overrides appsettings.json.</summary>
public class AppSetting
{
    public required string Key { get; set; }
    public required string Value { get; set; }
}
