using Microsoft.Playwright;
using WebChat.Engine.Inference.Native;
using WebChat.Tests.E2E.Infrastructure;
using WebChat.Tests.Support.Processes;
using WebChat.Tests.Support.Native;

namespace WebChat.Tests.E2E.Admin;

/// <summary>
/// Inference:NativeLibrary on the real executable (a process per test: llama.cpp loads once per process) and the
/// Admin › Engine page in a real browser.
/// </summary>
public sealed class NativeLibraryTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "webchat-native-e2e-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task The_engine_page_shows_the_library_loaded_from_the_configured_folder()
    {
        CopyFolder(await BundledVariantFolderAsync(), folder);
        var (app, address) = await AppProcess.StartAsync(new Dictionary<string, string> { ["Inference:NativeLibrary"] = folder });
        await using (app)
        {
            await OnEnginePageAsAdminAsync(address, async page =>
            {
                await Assertions.Expect(page.GetByTestId("native-library")).ToContainTextAsync(Path.Combine(folder, "libllama.so"));
                await Assertions.Expect(page.GetByTestId("native-library")).ToContainTextAsync("Inference:NativeLibrary");
                await Assertions.Expect(page.GetByTestId("native-system-info")).ToContainTextAsync("CPU :");
                await Assertions.Expect(page.GetByTestId("native-refusal")).ToHaveCountAsync(0);
            });
            Assert.Contains($"llama.cpp loaded from {Path.Combine(folder, "libllama.so")}", app.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_library_of_another_llama_cpp_build_is_refused_with_the_reason_and_the_app_still_serves()
    {
        await NodeLlamaCpp.EnsureInstalledAsync();
        var (app, address) = await AppProcess.StartAsync(new Dictionary<string, string> { ["Inference:NativeLibrary"] = NodeLlamaCpp.LinuxX64Binaries });
        await using (app)
        {
            using var http = new HttpClient { BaseAddress = address };
            var health = await http.GetAsync(new Uri("healthz", UriKind.Relative));
            Assert.True(health.IsSuccessStatusCode);
            await OnEnginePageAsAdminAsync(address, async page =>
            {
                await Assertions.Expect(page.GetByTestId("native-refusal")).ToContainTextAsync("is not the llama.cpp build LLamaSharp binds");
                await Assertions.Expect(page.GetByTestId("native-library")).ToContainTextAsync("bundled with LLamaSharp");
            });
            Assert.Contains("Inference:NativeLibrary refused, the bundled llama.cpp serves instead", app.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_ggml_of_another_version_is_refused_naming_the_op_and_the_app_still_serves_on_the_bundled_build()
    {
        await NodeLlamaCpp.EnsureInstalledAsync();
        var bundled = await BundledVariantFolderAsync();
        NodeLlamaCpp.ComposeForeignGgml(bundled, folder);
        var (app, address) = await AppProcess.StartAsync(new Dictionary<string, string> { ["Inference:NativeLibrary"] = folder });
        await using (app)
        {
            using var http = new HttpClient { BaseAddress = address };
            Assert.True((await http.GetAsync(new Uri("healthz", UriKind.Relative))).IsSuccessStatusCode);
            await OnEnginePageAsAdminAsync(address, async page =>
            {
                await Assertions.Expect(page.GetByTestId("native-refusal")).ToContainTextAsync("glu op 6: SWIGLU_CLAMP");
                await Assertions.Expect(page.GetByTestId("native-library")).ToContainTextAsync("bundled with LLamaSharp");
                await Assertions.Expect(page.GetByTestId("native-ggml-cpu")).ToContainTextAsync(Path.Combine(bundled, "libggml-cpu.so"));
            });
            Assert.Contains("Inference:NativeLibrary refused, the bundled llama.cpp serves instead", app.Output, StringComparison.Ordinal);
        }
    }

    [HostGgmlFact]
    public async Task The_engine_page_shows_the_host_ggml_cpu_backend_when_the_host_build_is_configured()
    {
        var (app, address) = await AppProcess.StartAsync(new Dictionary<string, string> { ["Inference:NativeLibrary"] = HostGgmlBuild.Folder });
        await using (app)
        {
            await OnEnginePageAsAdminAsync(address, async page =>
            {
                await Assertions.Expect(page.GetByTestId("native-refusal")).ToHaveCountAsync(0);
                await Assertions.Expect(page.GetByTestId("native-ggml-cpu")).ToContainTextAsync(Path.Combine(HostGgmlBuild.Folder, "libggml-cpu.so"));
                await Assertions.Expect(page.GetByTestId("native-library")).ToContainTextAsync("0.18.0");
                await Assertions.Expect(page.GetByTestId("weight-buffers")).ToContainTextAsync("No model is loaded.");
            });
        }
    }

    [Fact]
    public async Task A_missing_native_library_folder_stops_the_start_naming_the_setting()
    {
        var (exitCode, output) = await AppProcess.RunUntilExitAsync(new Dictionary<string, string> { ["Inference:NativeLibrary"] = folder });

        Assert.Equal(1, exitCode);
        Assert.Contains($"Inference:NativeLibrary names the folder {folder}, which does not exist.", output, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // The variant LLamaSharp picks on this CPU (avx512, avx2...), as the app's own probe reports it.
    private static async Task<string> BundledVariantFolderAsync()
    {
        var probe = NativeProbeProcess.ForAssembly(Path.Combine(AppContext.BaseDirectory, "WebChat.dll"));
        var (report, failure) = await probe.RunAsync(null, CancellationToken.None);
        return Path.GetDirectoryName(report?.LlamaPath) ?? throw new InvalidOperationException(failure);
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }

    // Registers the app's first account (the admin) in a fresh browser and opens Admin > Engine.
    private static async Task OnEnginePageAsAdminAsync(Uri address, Func<IPage, Task> assert)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserLauncher.LaunchAsync(playwright);
        var context = await browser.NewContextAsync(new() { BaseURL = address.ToString() });
        context.SetDefaultTimeout(60_000);
        var page = await context.NewPageAsync();
        await WebChatAppFixture.RegisterAsync(page, WebChatAppFixture.UniqueEmail("admin"));
        await page.GotoAsync("admin/engine");
        await WebChatAppFixture.WaitForInteractiveAsync(page);
        await assert(page);
    }
}
