using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace WebChat.Tests.Unit.App.Security;

/// <summary>
/// HTTPS from configuration only (a PFX with its password, or a PEM certificate and key), on Kestrel at 127.0.0.1:
/// HSTS is sent and the sign-in cookies are Secure.
/// </summary>
public sealed class HttpsTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("webchat-https-").FullName;
    private readonly X509Certificate2 certificate = CreateCertificate();

    [Fact]
    public async Task A_pfx_with_its_password_from_configuration_serves_https_with_hsts_and_secure_cookies()
    {
        var pfx = Path.Combine(folder, "webchat.pfx");
        await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, "s3cret!"));

        await AssertServesHttpsAsync(new Dictionary<string, string?>
        {
            ["Kestrel:Certificates:Default:Path"] = pfx,
            ["Kestrel:Certificates:Default:Password"] = "s3cret!",
        });
    }

    [Fact]
    public async Task A_pem_certificate_and_key_from_configuration_serve_https_with_hsts_and_secure_cookies()
    {
        var (pem, key) = (Path.Combine(folder, "webchat.crt"), Path.Combine(folder, "webchat.key"));
        await File.WriteAllTextAsync(pem, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(key, certificate.GetRSAPrivateKey()!.ExportRSAPrivateKeyPem());

        await AssertServesHttpsAsync(new Dictionary<string, string?>
        {
            ["Kestrel:Certificates:Default:Path"] = pem,
            ["Kestrel:Certificates:Default:KeyPath"] = key,
        });
    }

    [Fact]
    public async Task With_https_configured_a_plain_http_request_is_redirected_to_https_with_the_security_headers()
    {
        var pfx = Path.Combine(folder, "webchat.pfx");
        await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, "s3cret!"));
        await using var app = new WebChatAppFactory(new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0;https://127.0.0.1:0",
            ["Kestrel:Certificates:Default:Path"] = pfx,
            ["Kestrel:Certificates:Default:Password"] = "s3cret!",
        });
        app.UseKestrel();
        app.StartServer();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToList();
        var (http, https) = (addresses.Single(a => a.Scheme == "http"), addresses.Single(a => a.Scheme == "https"));
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = http };

        using var response = await client.GetAsync(new Uri("/Account/Login", UriKind.Relative));

        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        Assert.Equal(new Uri(https, "/Account/Login"), response.Headers.Location);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
    }

    public void Dispose()
    {
        certificate.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    private async Task AssertServesHttpsAsync(Dictionary<string, string?> settings)
    {
        settings["urls"] = "https://127.0.0.1:0";
        await using var app = new WebChatAppFactory(settings);
        app.UseKestrel();
        app.StartServer();
        await AccountForms.CreateAccountAsync(app, "admin@example.test");
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        using var handler = new HttpClientHandler
        {
            AllowAutoRedirect = false,
            // Trust exactly the certificate this test made, nothing else.
            ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == certificate.Thumbprint,
        };
        using var client = new HttpClient(handler) { BaseAddress = address };

        using var signIn = await AccountForms.PostLoginAsync(client, "admin@example.test", AccountForms.Password);

        Assert.Equal("https", address.Scheme);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.StartsWith("max-age=", Assert.Single(signIn.Headers.GetValues("Strict-Transport-Security")), StringComparison.Ordinal);
        var cookies = signIn.Headers.GetValues("Set-Cookie").ToList();
        Assert.Contains(cookies, c => c.StartsWith(".AspNetCore.Identity.Application=", StringComparison.Ordinal));
        Assert.All(cookies, c => Assert.Contains("; secure", c, StringComparison.OrdinalIgnoreCase));
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        // Exported and re-imported so the private key is usable on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }
}
