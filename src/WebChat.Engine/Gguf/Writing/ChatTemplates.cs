namespace WebChat.Engine.Gguf.Writing;

/// <summary>Chat templates written into generated models.</summary>
public static class ChatTemplates
{
    /// <summary>The chatml template as Qwen and many fine-tunes ship it; llama.cpp recognises it by &lt;|im_start|&gt;.</summary>
    public const string ChatMl =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
}
