using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.RenderTree;
using WebChat.Components.Chat;
using WebChat.Tests.Unit.App.Components;

namespace WebChat.Tests.Unit.App.Components.Chat;

public class ComposerTests : MudComponentTestContext
{
    private readonly List<string> _sent = [];

    private Task<bool> Send(string text)
    {
        _sent.Add(text);
        return Task.FromResult(true);
    }

    private IRenderedComponent<Composer> RenderComposer() => Render<Composer>(ps => ps.Add(p => p.OnSend, Send));

    // The page re-renders its composer often (queue position, sidebar): it passes the same parameters again.
    private static void RerenderFromParent(IRenderedComponent<Composer> cut, Func<string, Task<bool>> send) =>
        cut.Render(ps => ps.Add(p => p.OnSend, send));

    private static ulong HandlerId(IRenderedComponent<Composer> cut, string selector, string eventName) =>
        ulong.Parse(cut.Find(selector).GetAttribute($"blazor:on{eventName}")!, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task An_enter_whose_events_were_wired_before_the_page_re_rendered_still_sends_the_text()
    {
        var cut = RenderComposer();
        // The browser holds the handler ids of the markup it shows; a render can arrive before its events do.
        var changeId = HandlerId(cut, "textarea.composer-input", "change");
        var submitId = HandlerId(cut, "form.composer", "submit");

        RerenderFromParent(cut, Send);
        RerenderFromParent(cut, Send);

        // What the browser sends for those ids, as Renderer.DispatchEventAsync receives it on the server.
#pragma warning disable BL0006 // EventFieldInfo is the renderer's own type: the very call the failure came from
        var field = new EventFieldInfo { FieldValue = "Hello there" };
#pragma warning restore BL0006
        await cut.InvokeAsync(() => Renderer.DispatchEventAsync(changeId, field, new ChangeEventArgs { Value = "Hello there" }));
        await cut.InvokeAsync(() => Renderer.DispatchEventAsync(submitId, field, new EventArgs()));

        Assert.Equal(["Hello there"], _sent);
        Assert.Equal("", cut.Find("textarea.composer-input").GetAttribute("value") ?? "");
    }

    [Fact]
    public void A_page_render_that_changes_nothing_of_the_composer_does_not_render_it_again()
    {
        var cut = RenderComposer();
        var renders = cut.RenderCount;

        RerenderFromParent(cut, Send);

        Assert.Equal(renders, cut.RenderCount);
    }

    [Fact]
    public void A_change_of_state_from_the_page_is_still_shown()
    {
        var cut = RenderComposer();

        cut.Render(ps => ps.Add(p => p.OnSend, Send).Add(p => p.IsGenerating, true));
        Assert.NotEmpty(cut.FindAll("[data-testid=stop]"));

        cut.Render(ps => ps.Add(p => p.OnSend, Send).Add(p => p.DisabledReason, "No model is loaded."));
        Assert.Contains("No model is loaded.", cut.Find("[data-testid=composer-disabled-reason]").TextContent, StringComparison.Ordinal);
        Assert.True(cut.Find("textarea.composer-input").HasAttribute("disabled"));
    }

    [Fact]
    public void Typing_then_sending_sends_the_text_and_a_text_over_the_limit_is_refused_with_its_message()
    {
        var cut = RenderComposer();

        cut.Find("textarea.composer-input").Change(new string('x', WebChat.Services.Chat.MessageLimits.MaxLength + 1));
        cut.Find("form.composer").Submit();
        Assert.Empty(_sent);
        Assert.NotEmpty(cut.FindAll("[data-testid=composer-error]"));

        cut.Find("textarea.composer-input").Change("Short");
        cut.Find("form.composer").Submit();
        Assert.Equal(["Short"], _sent);
    }

    [Fact]
    public async Task Stop_is_gone_and_send_is_back_when_the_answer_ends_even_after_a_render_queued_at_one_state_ran_at_another()
    {
        var host = Render<ChatHost>(ps => ps.Add(p => p.OnSend, Send));
        Assert.NotEmpty(host.FindAll("[data-testid=stop]"));

        // While the page renders "not generating", a component above the composer starts the next answer: the
        // composer's render is asked for at "not generating" and runs after the page's next render, at "generating".
        await host.InvokeAsync(() => host.Instance.Show(generating: false, thenDuringThatRender: true));
        Assert.NotEmpty(host.FindAll("[data-testid=stop]"));

        // That answer ends.
        await host.InvokeAsync(() => host.Instance.Show(generating: false, thenDuringThatRender: null));

        Assert.Empty(host.FindAll("[data-testid=stop]"));
        Assert.NotEmpty(host.FindAll("[data-testid=send]"));
    }

    /// <summary>A page stand-in: a component placed before the composer can change the page while the page renders.</summary>
    private sealed class ChatHost : ComponentBase
    {
        private bool _generating = true;
        private bool? _duringRender;

        [Parameter] public Func<string, Task<bool>>? OnSend { get; set; }

        public void Show(bool generating, bool? thenDuringThatRender)
        {
            _generating = generating;
            _duringRender = thenDuringThatRender;
            StateHasChanged();
        }

        private void DuringRender()
        {
            if (_duringRender is { } generating)
            {
                _duringRender = null;
                _generating = generating;
                StateHasChanged();
            }
        }

        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            builder.OpenComponent<ParametersSpy>(0);
            builder.AddAttribute(1, nameof(ParametersSpy.OnParametersSetCalled), (Action)DuringRender);
            builder.CloseComponent();
            builder.OpenComponent<Composer>(2);
            builder.AddAttribute(3, nameof(Composer.IsGenerating), _generating);
            builder.AddAttribute(4, nameof(Composer.OnSend), OnSend);
            builder.CloseComponent();
        }
    }

    private sealed class ParametersSpy : ComponentBase
    {
        [Parameter] public Action? OnParametersSetCalled { get; set; }

        protected override void OnParametersSet() => OnParametersSetCalled?.Invoke();
    }
}
