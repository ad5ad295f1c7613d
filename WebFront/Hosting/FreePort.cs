using System.Net;
using System.Net.Sockets;

namespace TextGameGen.WebFront.Hosting;

/// <summary>
/// A TCP port free on loopback now and never handed out twice by this process (for test servers and the load tool's
/// in-process silo, which need fixed silo and gateway ports). Ports come from below the kernel's ephemeral range, so
/// outgoing connections do not take them meanwhile, at random, so parallel test processes rarely meet.
/// </summary>
public static class FreePort
{
    private const int First = 12000, Last = 32000;
    private static readonly HashSet<int> s_given = [];
    private static readonly Lock s_gate = new();

    public static int Next()
    {
        lock (s_gate)
        {
            for (int attempt = 0; attempt < 1000; attempt++)
            {
                int port = Random.Shared.Next(First, Last);
                if (s_given.Contains(port) || !IsFree(port)) continue;
                s_given.Add(port);
                return port;
            }
        }
        throw new InvalidOperationException($"No free port between {First} and {Last}.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
