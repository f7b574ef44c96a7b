using WebChat.Engine.Catalog;
using WebChat.Engine.Hub;

namespace WebChat.Components.Models;

/// <summary>The Discover page's editable filters, in the units a person types (billions, GiB, days), turned into a <see cref="ModelQuery"/>.</summary>
public sealed class ModelFilterForm
{
    public string? Text { get; set; }
    public SizeClass? SizeClass { get; set; }
    public double? MinBillions { get; set; }
    public double? MaxBillions { get; set; }
    public string? Quantization { get; set; }
    public double? MaxFileGiB { get; set; }
    public int? MinContext { get; set; }
    public string? License { get; set; }
    public ModelTask? Task { get; set; }
    public int? UpdatedWithinDays { get; set; }
    public long? MinDownloads { get; set; }
    public bool FitsThisMachine { get; set; }
    public bool HideGated { get; set; }
    public ModelSort Sort { get; set; } = ModelSort.Downloads;

    /// <summary>How many results to ask for; "More results" raises it.</summary>
    public int Limit { get; set; } = PageSize;

    public const int PageSize = 20;

    /// <summary>How many filters (besides text and sort) are set, for the Filters button's badge.</summary>
    public int ActiveCount =>
        new object?[] { SizeClass, MinBillions, MaxBillions, Quantization, MaxFileGiB, MinContext, License, Task, UpdatedWithinDays, MinDownloads }
            .Count(v => v is not null && v is not "") + (FitsThisMachine ? 1 : 0) + (HideGated ? 1 : 0);

    public ModelQuery ToQuery(DateTimeOffset now) => new()
    {
        Text = Blank(Text),
        SizeClass = SizeClass,
        MinParameters = MinBillions is { } min ? (long)(min * 1e9) : null,
        MaxParameters = MaxBillions is { } max ? (long)(max * 1e9) : null,
        Quantization = Blank(Quantization),
        MaxFileSizeBytes = MaxFileGiB is { } gib ? (long)(gib * ByteSizes.GiB) : null,
        MinContextLength = MinContext,
        License = Blank(License),
        Task = Task,
        UpdatedSince = UpdatedWithinDays is { } days ? now.AddDays(-days) : null,
        MinDownloads = MinDownloads,
        FitsThisMachine = FitsThisMachine,
        HideGated = HideGated,
        Sort = Sort,
        Limit = Limit,
    };

    public void Clear()
    {
        SizeClass = null;
        MinBillions = MaxBillions = MaxFileGiB = null;
        Quantization = License = null;
        MinContext = UpdatedWithinDays = null;
        Task = null;
        MinDownloads = null;
        FitsThisMachine = HideGated = false;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
