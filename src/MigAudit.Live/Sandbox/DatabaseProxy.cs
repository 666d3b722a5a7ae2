using System.Net.Sockets;

namespace MigAudit.Live.Sandbox;

/// <summary>
/// For <c>verify --database URL</c>: the sandbox has no network, so migaudit listens on a Unix socket inside the
/// sandbox's socket folder (.s.PGSQL.5432, where libpq and node-pg look for it) and copies the bytes to the one server
/// the URL names. The migrations reach that server and nothing else; the bytes are PostgreSQL's protocol untouched.
/// </summary>
public sealed class DatabaseProxy : IDisposable
{
    private readonly Socket listener;
    private readonly CancellationTokenSource stop = new();
    private readonly Func<CancellationToken, Task<Socket>> connectUpstream;

    private DatabaseProxy(string folder, Socket listener, Func<CancellationToken, Task<Socket>> connectUpstream)
    {
        Folder = folder;
        this.listener = listener;
        this.connectUpstream = connectUpstream;
    }

    /// <summary>The folder that holds the socket (bound into the sandbox).</summary>
    public string Folder { get; }

    /// <param name="folder">An empty folder of migaudit's own, reachable only through the sandbox's bind.</param>
    /// <param name="host">The server's host name, IP address or Unix socket folder (a path), as in the URL.</param>
    public static DatabaseProxy Start(string folder, string host, int port)
    {
        var path = Path.Combine(folder, ".s.PGSQL.5432");
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        // Connecting to a Unix socket needs write permission on it; the folder around it is what keeps others out.
        FileModes.Set(path, FileModes.Everyone);
        listener.Listen(16);
        Func<CancellationToken, Task<Socket>> upstream = host.StartsWith('/')
            ? async cancellation =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(Path.Combine(host, $".s.PGSQL.{port}")), cancellation);
                return socket;
            }
        : async cancellation =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(host, port, cancellation);
                return socket;
            };
        var proxy = new DatabaseProxy(folder, listener, upstream);
        _ = Task.Run(proxy.AcceptAsync);
        return proxy;
    }

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(stop.Token);
            }
            catch (Exception error) when (error is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => RelayAsync(client));
        }
    }

    private async Task RelayAsync(Socket client)
    {
        using (client)
        {
            Socket server;
            try
            {
                server = await connectUpstream(stop.Token);
            }
            catch (Exception error) when (error is SocketException or OperationCanceledException)
            {
                // The client sees its connection closed, as with a server that is down.
                return;
            }

            using (server)
            {
                await using var fromClient = new NetworkStream(client, ownsSocket: false);
                await using var toServer = new NetworkStream(server, ownsSocket: false);
                var up = fromClient.CopyToAsync(toServer, stop.Token);
                var down = toServer.CopyToAsync(fromClient, stop.Token);
                try
                {
                    await Task.WhenAny(up, down);
                }
                finally
                {
                    // Either side closing ends the session for both.
                    Close(client);
                    Close(server);
                }

                try
                {
                    await Task.WhenAll(up, down);
                }
                catch (Exception error) when (error is IOException or OperationCanceledException or SocketException)
                {
                    // A session cut by the other side.
                }
            }
        }
    }

    private static void Close(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already closed by the other side.
        }
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Dispose();
        stop.Dispose();
    }
}
