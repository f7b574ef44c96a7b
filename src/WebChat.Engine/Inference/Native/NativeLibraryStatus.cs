namespace WebChat.Engine.Inference.Native;

/// <summary>The llama.cpp this process loaded, where it came from, and why an operator's folder was refused if it was.</summary>
/// <param name="Report">What is loaded.</param>
/// <param name="Custom">True when it is the folder set in Inference:NativeLibrary.</param>
/// <param name="Refusal">Why the configured folder was not loaded (the bundled library serves instead), or null.</param>
/// <param name="Threads">Decode threads a model gets unless asked otherwise.</param>
public sealed record NativeLibraryStatus(NativeLibraryReport Report, bool Custom, string? Refusal, int Threads);
