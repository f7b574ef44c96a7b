using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using WebChat.Tests.Support.Network;

namespace WebChat.Tests.Support.Processes;

/// <summary>
/// Debian's nginx in front of several WebChat nodes, as docs/deploy/several-nodes.md sets it up: WebSockets passed,
/// long reads, no buffering. Its configuration is written into a temporary folder (its prefix: logs, pid, temp files),
/// it listens on 127.0.0.1 on a free port, runs in the foreground as the current user and is stopped by the test.
/// Each browser is kept on its node by a cookie (<see cref="NodeCookie"/>: "1" or "2", the first node by default); when
/// that node is down nginx passes the request to the other one, the backup.
/// </summary>
public sealed class Nginx : IAsyncDisposable
{
    /// <summary>The cookie that routes a browser to a node.</summary>
    public const string NodeCookie = "webchat_node";

    private const string Binary = "/usr/sbin/nginx";

    private readonly Process process;
    private readonly string folder;

    private Nginx(Process process, string folder, int port)
    {
        this.process = process;
        this.folder = folder;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
    }

    public Uri BaseAddress { get; }

    /// <summary>Why nginx tests cannot run here, or null when they can.</summary>
    public static string? SkipReason => File.Exists(Binary) ? null : $"nginx is not installed ({Binary}): apt-get install nginx (.ci/run does).";

    public static async Task<Nginx> StartAsync(Uri node1, Uri node2)
    {
        var folder = Directory.CreateTempSubdirectory("webchat-nginx-").FullName;
        var port = LoopbackPort.Free();
        Directory.CreateDirectory(Path.Combine(folder, "temp"));
        await File.WriteAllTextAsync(Path.Combine(folder, "nginx.conf"), Configuration(port, node1, node2));
        var start = new ProcessStartInfo(Binary, ["-p", folder + "/", "-c", "nginx.conf", "-e", "error.log", "-g", "daemon off;"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start)!;
        var nginx = new Nginx(process, folder, port);
        try
        {
            await nginx.WaitUntilListeningAsync(port);
        }
        catch
        {
            await nginx.DisposeAsync();
            throw;
        }

        return nginx;
    }

    /// <summary>The header nginx adds to each response: the node (host:port) that answered it.</summary>
    public const string UpstreamHeader = "x-upstream";

    /// <summary>nginx's error log so far (upstream failures and fail-overs are written there).</summary>
    public string ErrorLog => File.Exists(Path.Combine(folder, "error.log")) ? File.ReadAllText(Path.Combine(folder, "error.log")) : "";

    public async ValueTask DisposeAsync() => await StartedProcess.StopAndDeleteAsync(process, folder);

    // As root the workers would switch to nobody, who cannot write the temporary folder: they stay root here.
    private static string Configuration(int port, Uri node1, Uri node2) => $$"""
        {{(Environment.UserName == "root" ? "user root;" : "")}}
        worker_processes 1;
        pid nginx.pid;
        error_log error.log warn;
        events { worker_connections 256; }
        http {
            access_log off;
            client_body_temp_path temp/body;
            proxy_temp_path temp/proxy;
            fastcgi_temp_path temp/fastcgi;
            uwsgi_temp_path temp/uwsgi;
            scgi_temp_path temp/scgi;

            upstream node1_first {
                server {{node1.Authority}} max_fails=1 fail_timeout=2s;
                server {{node2.Authority}} backup;
            }
            upstream node2_first {
                server {{node2.Authority}} max_fails=1 fail_timeout=2s;
                server {{node1.Authority}} backup;
            }
            map $cookie_{{NodeCookie}} $webchat_nodes {
                default node1_first;
                "2"     node2_first;
            }
            map $http_upgrade $connection_upgrade {
                default upgrade;
                ''      close;
            }
            server {
                listen 127.0.0.1:{{port}};
                location / {
                    proxy_pass http://$webchat_nodes;
                    proxy_http_version 1.1;
                    proxy_set_header Upgrade $http_upgrade;
                    proxy_set_header Connection $connection_upgrade;
                    proxy_set_header Host $http_host;
                    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                    proxy_set_header X-Forwarded-Proto $scheme;
                    proxy_read_timeout 1h;
                    proxy_buffering off;
                    proxy_connect_timeout 2s;
                    add_header X-Upstream $upstream_addr always;
                }
            }
        }
        """;

    private async Task WaitUntilListeningAsync(int port)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"nginx exited with {process.ExitCode}: {await process.StandardError.ReadToEndAsync()}{ErrorLog}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50); // waits for the outside server to listen, orders nothing of the test's own
            }
        }
    }
}
