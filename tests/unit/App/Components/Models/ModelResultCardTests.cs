using Bunit;
using Microsoft.AspNetCore.Components;
using WebChat.Engine.Downloads;
using WebChat.Components.Models;
using WebChat.Data.Entities;
using WebChat.Engine.Catalog;
using WebChat.Engine.Hub;
using WebChat.Services.Models;

namespace WebChat.Tests.Unit.App.Components.Models;

public sealed class ModelResultCardTests : MudComponentTestContext
{
    private static readonly ModelFileOption Q4 = File("tiny-Q4_K_M.gguf", "Q4_K_M", FitKind.InRam);
    private static readonly ModelFileOption Q8 = File("tiny-Q8_0.gguf", "Q8_0", FitKind.WontFit);

    private static readonly ModelSearchResult Result = new()
    {
        Model = new HubModelInfo { Id = "acme/tiny-GGUF", Downloads = 12_345, Likes = 67, LastModified = DateTimeOffset.UtcNow.AddDays(-3) },
        QualityScore = 42.5,
        Files = [Q4, Q8],
        Recommended = Q4,
    };

    [Fact]
    public void The_card_shows_the_Hubs_numbers_and_expanding_it_lists_the_files_with_the_recommended_one_marked()
    {
        var card = Render<ModelResultCard>(p => p.Add(c => c.Result, Result).Add(c => c.CanDownload, true));
        Assert.Contains("12.3k", card.Markup, StringComparison.Ordinal);
        Assert.Contains("42.50", card.Markup, StringComparison.Ordinal);
        Assert.Contains("3 d ago", card.Markup, StringComparison.Ordinal);
        Assert.Empty(card.FindAll("[data-testid=model-file]"));

        card.Find("[data-testid=show-files]").Click();

        var rows = card.FindAll("[data-testid=model-file]");
        Assert.Equal(["tiny-Q4_K_M.gguf", "tiny-Q8_0.gguf"], rows.Select(r => r.GetAttribute("data-file")));
        Assert.Single(rows[0].QuerySelectorAll("[data-testid=recommended]"));
        Assert.Empty(rows[1].QuerySelectorAll("[data-testid=recommended]"));
        Assert.Contains("too large", rows[1].TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void An_admins_Download_click_names_the_file_and_an_installed_or_running_file_shows_its_state_instead()
    {
        (ModelSearchResult, ModelFileOption)? chosen = null;
        var running = new DownloadView(Guid.NewGuid(), "acme/tiny-GGUF", "tiny-Q8_0.gguf", "main", DownloadState.Downloading, 25, 100, 1, null, null, DateTime.UtcNow, null);
        var card = Render<ModelResultCard>(p => p
            .Add(c => c.Result, Result)
            .Add(c => c.CanDownload, true)
            .Add(c => c.OnDownload, EventCallback.Factory.Create<(ModelSearchResult, ModelFileOption)>(this, choice => chosen = choice)));
        card.Find("[data-testid=show-files]").Click();

        card.Find("button[aria-label='Download tiny-Q4_K_M.gguf']").Click();
        Assert.Same(Q4, chosen!.Value.Item2);

        card.Render(p => p.Add(c => c.InstalledIds, new HashSet<string> { "acme/tiny-GGUF/tiny-Q4_K_M.gguf" }).Add(c => c.Downloads, [running]));
        var rows = card.FindAll("[data-testid=model-file]");
        Assert.Contains("installed", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("Downloading 25%", rows[1].TextContent, StringComparison.Ordinal);
        Assert.Empty(card.FindAll("button[aria-label^='Download']"));
    }

    [Fact]
    public void People_who_are_not_admins_get_a_disabled_Download_button()
    {
        var card = Render<ModelResultCard>(p => p.Add(c => c.Result, Result).Add(c => c.CanDownload, false));
        card.Find("[data-testid=show-files]").Click();

        var buttons = card.FindAll("[data-testid=model-file] button");
        Assert.Equal(2, buttons.Count);
        Assert.All(buttons, b => Assert.True(b.HasAttribute("disabled")));
        Assert.Empty(card.FindAll("button[aria-label^='Download']"));
    }

    private static ModelFileOption File(string name, string quant, FitKind fit)
    {
        var estimate = new MemoryEstimate { WeightBytes = 100 * ByteSizes.MiB };
        return new ModelFileOption(name, [name], quant, 90 * ByteSizes.MiB, estimate, new FitVerdict { Kind = fit, Explanation = fit.ToString() }, ExactEstimate: true);
    }
}
