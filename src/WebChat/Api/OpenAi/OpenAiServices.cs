using WebChat.Services.Api;

namespace WebChat.Api.OpenAi;

/// <summary>What the /v1 handlers need, bundled for [AsParameters].</summary>
public sealed record OpenAiServices(ApiModels Models, ApiGenerations Generations, TimeProvider Time, ILogger<ApiGenerations> Logger);
