using System.Security.Cryptography;

namespace WebChat.Tests.Support.FakeHub;

/// <summary>One file the fake Hub serves, with the sha256 the Hub would advertise.</summary>
public sealed class FakeHubFile
{
    public FakeHubFile(string path, byte[] content)
    {
        Path = path;
        Content = content;
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(content));
    }

    public string Path { get; }

    public byte[] Content { get; }

    public string Sha256 { get; }

    public long Size => Content.LongLength;
}

/// <summary>GGUF facts the Hub shows in search results (the gguf field).</summary>
public sealed record FakeHubGguf(long TotalParameters, string Architecture, long ContextLength);

/// <summary>One model repository of the fake Hub.</summary>
public sealed record FakeHubRepo
{
    public required string Id { get; init; }
    public string Author => Id.Split('/')[0];
    public string Sha { get; init; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
    public IReadOnlyList<FakeHubFile> Files { get; init; } = [];
    public IReadOnlyList<string> Tags { get; init; } = ["gguf"];
    public string? PipelineTag { get; init; } = "text-generation";
    public string? Gated { get; init; }
    public string? License { get; init; } = "apache-2.0";
    public long Downloads { get; init; }
    public long Likes { get; init; }
    public double TrendingScore { get; init; }
    public DateTimeOffset LastModified { get; init; } = DateTimeOffset.UtcNow.AddDays(-30);
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow.AddDays(-90);
    public FakeHubGguf? Gguf { get; init; }

    public FakeHubFile? File(string path) => Files.FirstOrDefault(f => f.Path == path);
}
