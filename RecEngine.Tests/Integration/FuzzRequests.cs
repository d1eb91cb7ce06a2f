using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace RecEngine.Tests.Integration;

/// <summary>
/// Random and malformed requests against the app's mapped routes, from one seed (the same seed gives the same
/// requests): methods the route does and does not answer, path values with odd characters or huge lengths,
/// out-of-range and mistyped query values, and bodies that are empty, malformed, huge, deeply nested or of the
/// wrong content type. Some requests are well formed, so the endpoints' real work runs too.
/// </summary>
public sealed class FuzzRequests(IReadOnlyList<MappedRoute> routes, int seed)
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

    private static readonly string[] QueryKeys = ["k", "history", "explain", "category", "window", "x", "", "k[]", "%00"];

    private static readonly string[] QueryValues =
        ["abc", "-1", "0", "1", "20", "99999", "2147483648", "-2147483649", "1e309", "NaN", "", "%00", "%ZZ", "true", "null", "1.5", "[]", "%E2%82%AC"];

    // No %00 in paths: Kestrel refuses those before the app runs, and the in-process test server throws on them.
    private static readonly string[] PathValues =
        ["u1", "v1", "user_1", "0", "-1", "..", ".", "%2F", "%2e%2e", "%ZZ", "a%20b", "%E2%82%AC", "%F0%9F%98%80", "null", "{id}", "'or'1'='1", "%3Cscript%3E", "a:b", "a.b-c_d"];

    private static readonly string[] ContentTypes =
        ["application/json", "application/json; charset=utf-8", "application/json; charset=utf-16", "text/plain", "application/xml",
         "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/problem+json", "*/*", "application/octet-stream"];

    private static readonly string[] Fragments =
        ["{", "}", "[", "]", "\"", ":", ",", "null", "true", "1e999", "-0", "\"\\u0000\"", "\"\\ud800\"", "{\"a\":}", "[1,2", "\"unterminated", "NaN", "'x'", "//", "/*"];

    private static readonly string[] Fields =
        ["event_id", "user_id", "video_id", "type", "watch_seconds", "timestamp", "device", "hour", "position", "request_id",
         "id", "title", "category", "tags", "creator_id", "duration_seconds", "uploaded_at", "country", "signed_up_at", "age_bucket"];

    private readonly Random _random = new(seed);

    public HttpRequestMessage Next()
    {
        // Infrastructure (metrics, health, the OpenAPI document) a tenth as often as the API: it takes little input and
        // a scrape or the document costs tens of milliseconds each.
        var route = routes[_random.Next(routes.Count)];
        while (!route.Documented && _random.NextDouble() < 0.9)
        {
            route = routes[_random.Next(routes.Count)];
        }

        var method = route.Methods.Count > 0 && _random.NextDouble() < 0.6 ? route.Methods[_random.Next(route.Methods.Count)] : Pick(Methods);
        var path = _random.NextDouble() < 0.1 ? RandomPath() : Fill(route);
        var request = new HttpRequestMessage(new HttpMethod(method), path + Query());
        if (method is not ("GET" or "HEAD") || _random.NextDouble() < 0.1)
        {
            request.Content = Body();
        }

        return request;
    }

    private string Fill(MappedRoute route)
    {
        var path = route.Template;
        foreach (var parameter in route.Parameters)
        {
            path = path.Replace("{" + parameter + "}", PathValue(), StringComparison.Ordinal);
        }

        return path;
    }

    private string PathValue() => _random.Next(10) switch
    {
        0 => new string('x', _random.Next(65, 20_000)),
        1 => Uri.EscapeDataString(RandomText(_random.Next(1, 40))),
        _ => Pick(PathValues),
    };

    private string RandomPath() => _random.Next(6) switch
    {
        0 => "/",
        1 => "/v1",
        2 => "/v1/" + Uri.EscapeDataString(RandomText(8)),
        3 => "/v2/recommendations/u1",
        4 => "/" + string.Join('/', Enumerable.Range(0, _random.Next(1, 50)).Select(_ => Pick(PathValues))),
        _ => "/v1/videos/",
    };

    private string Query()
    {
        if (_random.NextDouble() < 0.3)
        {
            return "";
        }

        var pairs = Enumerable.Range(0, _random.Next(1, 4)).Select(_ => _random.Next(8) switch
        {
            0 => $"{Pick(QueryKeys)}={new string('9', _random.Next(10, 5000))}",
            1 => Pick(QueryKeys),
            _ => $"{Pick(QueryKeys)}={Pick(QueryValues)}",
        });
        return "?" + string.Join('&', pairs);
    }

    private HttpContent Body()
    {
        var content = _random.Next(12) switch
        {
            0 => new ByteArrayContent([]),
            1 => new StringContent(string.Concat(Enumerable.Range(0, _random.Next(1, 30)).Select(_ => Pick(Fragments)))),
            2 => new StringContent(Nested(_random.Next(50, 5000))),
            3 => new StringContent("[" + string.Join(',', Enumerable.Repeat("{}", _random.Next(1, 20_000))) + "]"),
            4 => new StringContent("{\"title\":\"" + new string('a', _random.NextDouble() < 0.02 ? _random.Next(9_000_000, 12_000_000) : _random.Next(1, 10_000)) + "\"}"),
            5 => new ByteArrayContent(RandomBytes(_random.Next(1, 4096))),
            6 => new StringContent("[" + string.Join(',', Enumerable.Range(0, _random.Next(1, 5)).Select(_ => RandomObject())) + "]"),
            7 => new StringContent(ValidEvent()),
            _ => new StringContent(RandomObject()),
        };
        if (_random.NextDouble() < 0.8)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(Pick(ContentTypes));
        }
        else
        {
            content.Headers.ContentType = null;
        }

        return content;
    }

    /// <summary>An object with known and unknown field names and values of every JSON type, valid or not for the field.</summary>
    private string RandomObject()
    {
        var fields = Enumerable.Range(0, _random.Next(0, 12)).Select(_ =>
        {
            var name = _random.NextDouble() < 0.85 ? Pick(Fields) : RandomText(6);
            return $"\"{name}\":{RandomValue()}";
        });
        return "{" + string.Join(',', fields) + "}";
    }

    /// <summary>A well-formed watch event, so ingestion's commit path runs among the bad requests.</summary>
    private string ValidEvent() =>
        $$"""{"event_id":"fuzz-{{_random.Next()}}","user_id":"u{{_random.Next(1, 50)}}","video_id":"v{{_random.Next(1, 50)}}","type":"watch","watch_seconds":{{_random.Next(1, 600)}},"timestamp":"{{DateTime.UtcNow.AddMinutes(-1):O}}","device":"mobile"}""";

    private string RandomValue() => _random.Next(14) switch
    {
        0 => "null",
        1 => "true",
        2 => _random.Next(-1000, 100_000).ToString(CultureInfo.InvariantCulture),
        3 => "1e308",
        4 => "-1.5",
        5 => "\"\"",
        6 => "[]",
        7 => "{}",
        8 => "\"" + new string('z', _random.Next(60, 3000)) + "\"",
        9 => "\"" + DateTime.UtcNow.AddMinutes(-_random.Next(0, 100_000)).ToString("O", CultureInfo.InvariantCulture) + "\"",
        10 => "\"" + Pick(["watch", "impression", "like", "hide", "share", "click", "WATCH"]) + "\"",
        11 => "\"" + Pick(["u1", "v1", "mobile", "desktop", "tv", "music"]) + "\"",
        12 => "\"not-a-date\"",
        _ => "\"" + RandomText(_random.Next(1, 20)).Replace("\\", "", StringComparison.Ordinal).Replace("\"", "", StringComparison.Ordinal) + "\"",
    };

    private static string Nested(int depth) => new string('[', depth) + new string(']', depth);

    private string RandomText(int length)
    {
        var builder = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            // Printable ASCII, Latin-1, CJK and the odd control character.
            builder.Append(_random.Next(10) switch
            {
                0 => (char)_random.Next(1, 32),
                1 => (char)_random.Next(0xA0, 0x100),
                2 => (char)_random.Next(0x4E00, 0x4F00),
                _ => (char)_random.Next(0x20, 0x7F),
            });
        }

        return builder.ToString();
    }

    private byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];
}
