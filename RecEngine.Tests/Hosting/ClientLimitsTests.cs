using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.AspNetCore.Mvc;
using RecEngine.Tests.Integration;

namespace RecEngine.Tests.Hosting;

/// <summary>
/// Limits over a real Kestrel server: the rate limit is per client address (clients bound to 127.0.0.2 and 127.0.0.3,
/// both loopback on Linux), and a body over the limit sent chunked (no Content-Length) is 413.
/// </summary>
public sealed class ClientLimitsTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "recengine-tests", Guid.NewGuid().ToString("N"));
    private RecEngineProcess _server = null!;

    public async Task InitializeAsync() =>
        _server = await RecEngineProcess.StartAsync(_dataDir, Timeout,
            "--RecEngine:FirstRunDemo=false",
            "--RecEngine:Limits:PermitsPerSecond=1", "--RecEngine:Limits:Burst=5",
            "--RecEngine:Limits:MaxRequestBodyBytes=65536", "--RecEngine:Events:MaxBodyBytes=32768");

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_dataDir, recursive: true);
    }

    [Fact]
    public async Task One_client_over_its_bucket_is_refused_while_another_address_is_served()
    {
        using var first = ClientFrom("127.0.0.2");
        using var second = ClientFrom("127.0.0.3");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12 && !statuses.Contains(HttpStatusCode.TooManyRequests); i++)
        {
            using var response = await first.GetAsync("health/live");
            statuses.Add(response.StatusCode);
        }

        Assert.True(statuses.Contains(HttpStatusCode.TooManyRequests), "127.0.0.2 was never limited: " + string.Join(",", statuses));
        using (var refused = await first.GetAsync("health/live"))
        {
            await HttpAssert.StatusAsync(HttpStatusCode.TooManyRequests, refused);
            Assert.NotNull(refused.Headers.RetryAfter);
        }

        // The other address has its own bucket, untouched by the first client's requests.
        for (var i = 0; i < 3; i++)
        {
            using var served = await second.GetAsync("health/live");
            await HttpAssert.StatusAsync(HttpStatusCode.OK, served);
        }
    }

    [Theory]
    [InlineData("POST", "v1/events", 40_000)]
    [InlineData("PUT", "v1/videos/big", 100_000)]
    public async Task A_chunked_body_over_the_limit_is_413(string method, string path, int bytes)
    {
        using var client = ClientFrom("127.0.0.4");
        using var request = new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = new ChunkedContent(bytes),
        };
        request.Headers.TransferEncodingChunked = true;

        using var response = await client.SendAsync(request);

        Assert.Null(request.Content.Headers.ContentLength);
        await HttpAssert.StatusAsync(HttpStatusCode.RequestEntityTooLarge, response);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(413, (await response.Content.ReadFromJsonAsync<ProblemDetails>())!.Status);
    }

    /// <summary>A client whose connections leave from <paramref name="address"/>.</summary>
    private HttpClient ClientFrom(string address)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = _server.BaseAddress };
    }

    /// <summary>JSON-looking bytes of a given size, with no length known in advance (sent chunked).</summary>
    private sealed class ChunkedContent : HttpContent
    {
        private readonly int _bytes;

        public ChunkedContent(int bytes)
        {
            _bytes = bytes;
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var chunk = new byte[4096];
            Array.Fill(chunk, (byte)' ');
            chunk[0] = (byte)'[';
            for (var sent = 0; sent < _bytes; sent += chunk.Length)
            {
                await stream.WriteAsync(chunk.AsMemory(0, Math.Min(chunk.Length, _bytes - sent)));
                chunk[0] = (byte)' ';
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
