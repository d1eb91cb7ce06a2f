using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace RecEngine.Tests.Integration;

/// <summary>
/// Waits until a trained model version serves. A 200 alone does not tell: without a model the recommendations
/// endpoint answers a degraded popularity slate whose <c>model_version</c> is null.
/// </summary>
public static class ModelWait
{
    public static async Task UntilServingAsync(HttpClient client, TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            using var response = await client.GetAsync("/v1/recommendations/u1?k=5");
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.OK)
            {
                using var slate = JsonDocument.Parse(body);
                if (slate.RootElement.GetProperty("model_version").ValueKind == JsonValueKind.String)
                {
                    return;
                }
            }

            Assert.True(waited.Elapsed < timeout, $"No model served after {timeout}: {(int)response.StatusCode} {body}");
            await Task.Delay(100);
        }
    }

    /// <summary>Until <c>/health/ready</c> answers 200: a model serves and the start-up warm-ups are done.</summary>
    public static async Task UntilReadyAsync(HttpClient client, TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            using var response = await client.GetAsync("/health/ready");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            Assert.True(waited.Elapsed < timeout, $"Not ready after {timeout}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            await Task.Delay(100);
        }
    }
}
