namespace WebChat.Engine.Inference;

/// <summary>Lends the loaded model for one short piece of read-only work (template, tokenizer) at a time.</summary>
internal interface IModelUser
{
    T UseModel<T>(Func<IInferenceBackend, T> work);
}
