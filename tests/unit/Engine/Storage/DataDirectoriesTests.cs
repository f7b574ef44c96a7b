using WebChat.Engine.Storage;

namespace WebChat.Tests.Unit.Engine.Storage;

public sealed class DataDirectoriesTests
{
    private const string Home = "/home/ada";

    [Fact]
    public void Linux_uses_xdg_data_home_when_it_is_set()
    {
        var path = DataDirectories.Resolve(Env(("XDG_DATA_HOME", "/srv/xdg")), DataPlatform.Unix, Home);

        Assert.Equal(Path.Combine("/srv/xdg", "WebChat"), path);
    }

    [Fact]
    public void Linux_falls_back_to_local_share_when_xdg_data_home_is_unset_or_relative()
    {
        Assert.Equal(Path.Combine(Home, ".local", "share", "WebChat"), DataDirectories.Resolve(Env(), DataPlatform.Unix, Home));
        Assert.Equal(Path.Combine(Home, ".local", "share", "WebChat"),
            DataDirectories.Resolve(Env(("XDG_DATA_HOME", "relative/dir")), DataPlatform.Unix, Home));
    }

    [Fact]
    public void MacOS_uses_application_support() =>
        Assert.Equal(Path.Combine(Home, "Library", "Application Support", "WebChat"), DataDirectories.Resolve(Env(), DataPlatform.MacOS, Home));

    [Fact]
    public void Windows_uses_local_app_data() =>
        Assert.Equal(Path.Combine(@"C:\Users\ada\AppData\Local", "WebChat"),
            DataDirectories.Resolve(Env(("LOCALAPPDATA", @"C:\Users\ada\AppData\Local")), DataPlatform.Windows, Home));

    [Theory]
    [InlineData(DataPlatform.Unix)]
    [InlineData(DataPlatform.MacOS)]
    [InlineData(DataPlatform.Windows)]
    public void The_webchat_data_dir_variable_wins_on_every_platform(DataPlatform platform) =>
        Assert.Equal("/data/webchat", DataDirectories.Resolve(Env(("WEBCHAT_DATA_DIR", "/data/webchat"), ("XDG_DATA_HOME", "/x")), platform, Home));

    [Fact]
    public void Models_live_in_a_models_folder_of_the_data_directory() =>
        Assert.Equal(Path.Combine("/data", "models"), DataDirectories.ModelsIn("/data"));

    private static Func<string, string?> Env(params (string Key, string Value)[] variables) =>
        key => variables.FirstOrDefault(v => v.Key == key).Value;
}
