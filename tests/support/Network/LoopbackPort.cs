using System.Net;
using System.Net.Sockets;

namespace WebChat.Tests.Support.Network;

/// <summary>Ports for servers that tests and benches start themselves on 127.0.0.1.</summary>
public static class LoopbackPort
{
    /// <summary>A port free on 127.0.0.1 right now (the OS picks it; a server started next takes it).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
