using System.Diagnostics;
using System.Globalization;
using Npgsql;
using WebChat.Tests.Support.Network;

namespace WebChat.Tests.Support.Postgres;

/// <summary>
/// A throwaway PostgreSQL cluster for tests: initdb into a temporary folder, the server bound to 127.0.0.1 on a free
/// port, trust authentication, no fsync. It is not the machine's PostgreSQL service. As root (CI) the server runs as the
/// <c>postgres</c> user, since initdb refuses root. A watchdog shell stops the server and removes the folder when the
/// test process ends, even by a crash; <see cref="DisposeAsync"/> does it at once.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private const string SuperUser = "postgres";

    private readonly string folder;
    private readonly Process watchdog;
    private int databases;

    private PostgresCluster(string folder, int port, Process watchdog)
    {
        this.folder = folder;
        Port = port;
        this.watchdog = watchdog;
    }

    public int Port { get; }

    /// <summary>The folder holding initdb and postgres (Debian's /usr/lib/postgresql/N/bin, the newest), or null.</summary>
    public static string? BinDirectory { get; } = FindBinDirectory();

    /// <summary>Why PostgreSQL tests cannot run here, or null when they can.</summary>
    public static string? SkipReason => BinDirectory is null
        ? "PostgreSQL's server binaries (initdb, postgres) are not installed: apt-get install postgresql (.ci/run does)."
        : null;

    private static bool IsRoot => Environment.UserName == "root";

    /// <summary>A connection string for one of this cluster's databases, as the superuser.</summary>
    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = SuperUser,
        Database = database,
        // Tests run many short databases: a pool per database would hold connections to dropped ones.
        Pooling = true,
        MaxPoolSize = 20,
    }.ToString();

    public static async Task<PostgresCluster> StartAsync(CancellationToken cancellationToken = default)
    {
        if (BinDirectory is not { } bin)
        {
            throw new InvalidOperationException(SkipReason);
        }

        var folder = Directory.CreateTempSubdirectory("webchat-pg-").FullName;
        var data = Path.Combine(folder, "data");
        if (IsRoot)
        {
            await RunAsync("chown", ["-R", SuperUser + ":", folder], cancellationToken);
        }

        await RunAsync(Path.Combine(bin, "initdb"),
            ["-D", data, "-U", SuperUser, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"],
            cancellationToken, asPostgres: true);

        var port = LoopbackPort.Free();
        var server = string.Join(' ', new[]
        {
            Quote(Path.Combine(bin, "postgres")), "-D", Quote(data), "-p", port.ToString(CultureInfo.InvariantCulture),
            "-k", Quote(folder), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
            "-c", "full_page_writes=off", "-c", "max_connections=300",
        });
        var asPostgres = IsRoot ? $"runuser -u {SuperUser} -- " : "";
        string At(string name) => Quote(Path.Combine(folder, name));
        // The watchdog: the server runs while this test process lives; then it is stopped and its folder removed. A
        // "pause" file stops the server (as an operator's restart does) until the file is gone, then starts it again.
        var script = $"""
            while :; do
              {asPostgres}{server} >> {At("server.log")} 2>&1 &
              pg=$!
              while kill -0 {Environment.ProcessId} 2>/dev/null && kill -0 $pg 2>/dev/null && [ ! -e {At("stop")} ] && [ ! -e {At("pause")} ]; do sleep 0.1; done
              if [ -e {At("pause")} ]; then mode=fast; else mode=immediate; fi
              {asPostgres}{Quote(Path.Combine(bin, "pg_ctl"))} stop -D {Quote(data)} -m $mode -w > /dev/null 2>&1 || kill -KILL $pg 2>/dev/null
              wait $pg
              [ -e {At("pause")} ] || break
              touch {At("paused")}
              while kill -0 {Environment.ProcessId} 2>/dev/null && [ -e {At("pause")} ] && [ ! -e {At("stop")} ]; do sleep 0.1; done
              rm -f {At("paused")}
              kill -0 {Environment.ProcessId} 2>/dev/null && [ ! -e {At("stop")} ] || break
            done
            rm -rf {Quote(folder)}
            """;
        var watchdog = Process.Start(new ProcessStartInfo("bash", ["-c", script]) { UseShellExecute = false })!;
        var cluster = new PostgresCluster(folder, port, watchdog);
        try
        {
            await cluster.WaitUntilReadyAsync(cancellationToken);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    /// <summary>Creates an empty database of its own for one test and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken = default)
    {
        var name = $"test_{Interlocked.Increment(ref databases)}_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return ConnectionString(name);
    }

    /// <summary>Stops the server as an operator's restart does (fast shutdown: sessions are ended); <see cref="ResumeAsync"/> starts it again on the same port and data.</summary>
    public async Task PauseAsync(CancellationToken cancellationToken = default)
    {
        await File.WriteAllTextAsync(Path.Combine(folder, "pause"), "", cancellationToken);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!File.Exists(Path.Combine(folder, "paused")))
        {
            if (DateTime.UtcNow > deadline || watchdog.HasExited)
            {
                throw new InvalidOperationException($"The throwaway PostgreSQL on port {Port} did not stop.");
            }

            await Task.Delay(50, cancellationToken); // waits for the outside server to stop, orders nothing of the test's own
        }
    }

    /// <summary>Starts the server stopped by <see cref="PauseAsync"/> again and waits until it accepts connections.</summary>
    public async Task ResumeAsync(CancellationToken cancellationToken = default)
    {
        File.Delete(Path.Combine(folder, "pause"));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (File.Exists(Path.Combine(folder, "paused")) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, cancellationToken);
        }

        await WaitUntilReadyAsync(cancellationToken);
        // The restart broke the pooled connections of CreateDatabaseAsync: the next test's would fail on its first use.
        // The apps' own pools are left alone, since recovering from that is what a restart test checks.
        using var admin = new NpgsqlConnection(ConnectionString("postgres"));
        NpgsqlConnection.ClearPool(admin);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await File.WriteAllTextAsync(Path.Combine(folder, "stop"), "");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await watchdog.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            watchdog.Kill(entireProcessTree: true);
        }

        watchdog.Dispose();
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false");
                await connection.OpenAsync(cancellationToken);
                return;
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline && !watchdog.HasExited)
            {
                await Task.Delay(50, cancellationToken);
            }
            catch (NpgsqlException e)
            {
                var log = Path.Combine(folder, "server.log");
                throw new InvalidOperationException(
                    $"The throwaway PostgreSQL on port {Port} did not accept connections: {e.Message}\n{(File.Exists(log) ? await File.ReadAllTextAsync(log, cancellationToken) : "")}", e);
            }
        }
    }

    private static async Task RunAsync(string file, IReadOnlyList<string> arguments, CancellationToken cancellationToken, bool asPostgres = false)
    {
        var start = asPostgres && IsRoot
            ? new ProcessStartInfo("runuser", ["-u", SuperUser, "--", file, .. arguments])
            : new ProcessStartInfo(file, arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} failed ({process.ExitCode}): {await output}{await errors}");
        }
    }


    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string? FindBinDirectory()
    {
        var root = "/usr/lib/postgresql";
        if (!Directory.Exists(root))
        {
            return null;
        }

        return Directory.GetDirectories(root)
            .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), CultureInfo.InvariantCulture, out var v) ? v : 0))
            .Where(d => File.Exists(Path.Combine(d.Dir, "initdb")) && File.Exists(Path.Combine(d.Dir, "postgres")))
            .OrderByDescending(d => d.Version)
            .Select(d => d.Dir)
            .FirstOrDefault();
    }
}
