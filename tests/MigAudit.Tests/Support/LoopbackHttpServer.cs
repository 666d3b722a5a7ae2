using System.Net;

namespace MigAudit.Tests.Support;

/// <summary>
/// An HTTP server on a free loopback port that hands every request to one handler, for the stand-ins of services the
/// tests must not reach (GitHub's REST API, the npm registry). Stops listening on dispose.
/// </summary>
public sealed class LoopbackHttpServer : IAsyncDisposable, IDisposable
{
    private readonly HttpListener listener;
    private readonly Task serving;

    /// <param name="handle">Answers one request; the response is closed after it.</param>
    public LoopbackHttpServer(Func<HttpListenerContext, Task> handle)
    {
        // A port free when asked can be taken before HttpListener binds it (tests run in parallel, and the kernel may
        // hand the same free port to two askers): on "address already in use", ask for another.
        for (var attempt = 1; ; attempt++)
        {
            Url = $"http://127.0.0.1:{FreePort()}/";
            listener = new HttpListener();
            listener.Prefixes.Add(Url);
            try
            {
                listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 20)
            {
                listener.Close();
            }
        }

        serving = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception error) when (error is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                using var response = context.Response;
                await handle(context);
            }
        });
    }

    /// <summary>The server's root, ending in '/'.</summary>
    public string Url { get; }

    /// <summary>A loopback port free when asked (also for a URL where nothing listens).</summary>
    public static int FreePort()
    {
        using var socket = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        listener.Stop();
        await serving;
        listener.Close();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
