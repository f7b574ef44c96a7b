using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using WebChat.Tests.Support.Native;

namespace WebChat.Bench.Peer;

/// <summary>node-llama-cpp in a node process (bench/Peer/peer.mjs), one JSON command per line.</summary>
internal sealed class PeerProcess : IAsyncDisposable
{
    private readonly Process _node;

    private PeerProcess(Process node) => _node = node;

    public static async Task<PeerProcess> StartAsync()
    {
        var installed = await NodeLlamaCpp.EnsureInstalledAsync();
        var start = new ProcessStartInfo("node") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = false, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Peer", "peer.mjs"));
        start.ArgumentList.Add(installed);
        return new PeerProcess(Process.Start(start) ?? throw new InvalidOperationException("node did not start."));
    }

    public async Task<JsonObject> SendAsync(object command)
    {
        await _node.StandardInput.WriteLineAsync(JsonSerializer.Serialize(command));
        await _node.StandardInput.FlushAsync();
        var line = await _node.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException($"node-llama-cpp exited ({_node.ExitCode}).");
        var answer = JsonNode.Parse(line)!.AsObject();
        return answer["ok"]!.GetValue<bool>() ? answer : throw new InvalidOperationException("node-llama-cpp: " + answer["error"]);
    }

    public async ValueTask DisposeAsync()
    {
        _node.StandardInput.Close();
        if (!_node.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            _node.Kill();
        }

        await _node.WaitForExitAsync();
        _node.Dispose();
    }
}
