using WebChat.Engine.Gguf;
using WebChat.Engine.Gguf.Writing;

namespace WebChat.Tests.Unit.Engine.Catalog;

/// <summary>Builds GGUF headers in memory (no tensor data) for descriptor and estimator tests.</summary>
internal static class Headers
{
    /// <summary>The header <see cref="LlamaModelWriter"/> would write for a spec, without generating gigabytes of weights.</summary>
    public static GgufHeader For(LlamaModelSpec spec)
    {
        var vocabulary = SentencePieceVocabulary.Build(spec.VocabularySize, spec.ChatTemplate is not null);
        var tensors = LlamaModelWriter.Tensors(spec).Select(t => (t.Name, t.Dimensions, t.Type));
        return Create(LlamaModelWriter.Metadata(spec, vocabulary), tensors);
    }

    public static GgufHeader Create(IEnumerable<KeyValuePair<string, GgufValue>> metadata, IEnumerable<(string Name, IReadOnlyList<long> Dimensions, GgmlType Type)> tensors)
    {
        long offset = 0;
        var infos = new List<GgufTensorInfo>();
        foreach (var (name, dimensions, type) in tensors)
        {
            var info = new GgufTensorInfo(name, dimensions, type, offset);
            infos.Add(info);
            offset += (info.ByteSize + 31) / 32 * 32;
        }

        return new GgufHeader(3, [.. metadata], infos, headerLength: 1000);
    }

    public static KeyValuePair<string, GgufValue> Entry(string key, uint value) => new(key, GgufValue.UInt32(value));

    public static KeyValuePair<string, GgufValue> Entry(string key, string value) => new(key, GgufValue.String(value));

    public static (string, IReadOnlyList<long>, GgmlType) Tensor(string name, GgmlType type, params long[] dimensions) => (name, dimensions, type);
}
