using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using RecEngine.Hosting;

namespace RecEngine.Tests.Hosting;

public sealed class LocalhostBindingTests
{
    [Fact]
    public void WithoutAddressesTheServerListensOnLoopbackOnly()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        foreach (var key in new[] { "urls", "http_ports", "https_ports" })
        {
            // The test host's environment may carry ASPNETCORE_URLS or container ports; the default is what is under test.
            builder.Configuration[key] = null;
        }

        builder.BindLocalhostByDefault();

        var url = new Uri(builder.Configuration["urls"]!);
        Assert.Equal(LocalhostBinding.DefaultUrl, url.GetLeftPart(UriPartial.Authority));
        Assert.All(Dns.GetHostAddresses(url.Host), a => Assert.True(IPAddress.IsLoopback(a), $"{url.Host} resolves to {a}"));
    }

    [Fact]
    public void ExplicitUrlsWin()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = ["--urls=http://0.0.0.0:8080"] });

        builder.BindLocalhostByDefault();

        Assert.Equal("http://0.0.0.0:8080", builder.Configuration["urls"]);
    }

    [Fact]
    public void ContainerPortsWin()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = ["--http_ports=8080"] });
        builder.Configuration["urls"] = null; // appsettings.json next to the tests names one

        builder.BindLocalhostByDefault();

        Assert.Equal("8080", builder.Configuration["http_ports"]);
        Assert.Null(builder.Configuration["urls"]);
    }

    [Fact]
    public async Task TheComposedAppListensOnLocalhost()
    {
        // The real composition (Program with appsettings.json, no --urls) ends up on the loopback default.
        await using var factory = new RecEngine.Tests.Integration.RecEngineFactory();
        using var client = factory.CreateClient();
        var configuration = (IConfiguration)factory.Services.GetService(typeof(IConfiguration))!;

        Assert.Equal(LocalhostBinding.DefaultUrl, configuration["urls"]);
    }
}
