using System.Net;
using System.Net.Sockets;

namespace TextGameGen.WebFront.Hosting;

/// <summary>A TCP port free on loopback right now (for test servers and the load tool's in-process silo).</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
