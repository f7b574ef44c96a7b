// WebChat's /v1 API through OpenAI's own .NET SDK (NuGet: OpenAI): list the models, then stream an answer.
//   dotnet run --project examples/ApiClient -- http://localhost:5000/v1 wc-YOUR-KEY [model]
// The key comes from Settings › API keys; the model from GET /v1/models (the first one offered when omitted).
using System.ClientModel;
using OpenAI;
using OpenAI.Chat;

if (args.Length < 2)
{
    Console.Error.WriteLine("Usage: ApiClient <base URL, e.g. http://localhost:5000/v1> <API key> [model]");
    return 2;
}

var options = new OpenAIClientOptions { Endpoint = new Uri(args[0]) };
var client = new OpenAIClient(new ApiKeyCredential(args[1]), options);

var models = (await client.GetOpenAIModelClient().GetModelsAsync()).Value;
foreach (var offered in models)
{
    Console.WriteLine($"model: {offered.Id}");
}

var model = args.Length > 2 ? args[2] : models.First().Id;
var chat = client.GetChatClient(model);
var request = new ChatCompletionOptions { MaxOutputTokenCount = 64 };
await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Why is the sky blue?")], request))
{
    foreach (var part in update.ContentUpdate)
    {
        Console.Write(part.Text);
    }

    if (update.Usage is { } usage)
    {
        Console.WriteLine();
        Console.WriteLine($"[{usage.InputTokenCount} prompt tokens, {usage.OutputTokenCount} answer tokens]");
    }
}

return 0;
