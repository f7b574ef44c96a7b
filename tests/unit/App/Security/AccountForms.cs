using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using WebChat.Services.Accounts;

namespace WebChat.Tests.Unit.App.Security;

/// <summary>Signs in and registers through the real account forms over HTTP (antiforgery token, cookies), as a browser does.</summary>
internal static partial class AccountForms
{
    public const string Password = "Passw0rd!";

    /// <summary>A client with its own cookie jar that follows no redirects.</summary>
    public static HttpClient NewClient(WebChatAppFactory app) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public static async Task<string> CreateAccountAsync(WebChatAppFactory app, string email)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<UserRegistration>().RegisterAsync(email, Password);
        return result.Succeeded ? result.User!.Id : throw new InvalidOperationException(string.Join(" ", result.Errors));
    }

    /// <summary>Posts the login form; returns the response (a redirect when signed in, the page with a message when not).</summary>
    public static Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string email, string password) =>
        PostFormAsync(client, "/Account/Login", "login", new() { ["Input.Email"] = email, ["Input.Password"] = password });

    public static async Task SignInAsync(HttpClient client, string email, string password = Password)
    {
        using var response = await PostLoginAsync(client, email, password);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"sign-in of {email} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string path, string formName, Dictionary<string, string> fields)
    {
        using var form = await client.GetAsync(new Uri(path, UriKind.Relative));
        var html = await form.Content.ReadAsStringAsync();
        var token = AntiforgeryToken().Match(html);
        Assert.True(token.Success, $"no antiforgery token on {path} ({(int)form.StatusCode})");
        fields["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value);
        fields["_handler"] = formName;
        using var content = new FormUrlEncodedContent(fields);
        return await client.PostAsync(new Uri(path, UriKind.Relative), content);
    }

    /// <summary>The text of the page without tags, for asserting on messages.</summary>
    public static async Task<string> TextAsync(HttpResponseMessage response) =>
        WebUtility.HtmlDecode(Tags().Replace(await response.Content.ReadAsStringAsync(), " "));

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();
}
