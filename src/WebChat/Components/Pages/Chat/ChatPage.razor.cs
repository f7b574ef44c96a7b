using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;
using MudBlazor;
using WebChat.Data.Entities;
using WebChat.Engine.Inference;
using WebChat.Services.Accounts;
using WebChat.Services.Chat;
using WebChat.Services;
using WebChat.Services.Markdown;
using WebChat.Services.Models;

namespace WebChat.Components.Pages.Chat;

public partial class ChatPage
{
    private const long MaxImportFileBytes = 20_000_000;

    private IReadOnlyList<ConversationSummary> _conversations = [];
    private IReadOnlyList<ModelChoice> _models = [];
    private ConversationDetail? _detail;
    private ActiveGeneration? _active;
    private ChatSettings? _settings;
    private EngineStatus _engineStatus = EngineStatus.Empty;
    private IDisposable? _engineSubscription;
    private IDisposable? _remoteSubscription;
    private ElementReference _scroller;
    private ElementReference _jumpButton;
    private ElementReference _chatMain;
    // The conversation on screen: ahead of ConversationId while a new conversation's address is on its way.
    private Guid? _shownId;
    private string? _search;
    private string? _error;
    private WebChat.Services.Quotas.QuotaStanding? _quota;
    private string _userId = "";
    private bool _isAdmin;
    private bool _notFound;
    private bool _overridesOpen;
    private bool _followAttached;
    private StoredAnswerFollower? _answerFollower;
    private bool _hasDefaultModel;
    private bool _sidebarOpen;

    [Parameter] public Guid? ConversationId { get; set; }

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    // The page's app services and model rule live in one page model, so the page injects what renders it and nothing more.
    [Inject] private ChatPageModel Model { get; set; } = default!;
    [Inject] private IJSRuntime JS { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    private ClaimsPrincipal User { get; set; } = new();

    private string? DisabledReason => ChatPageModel.DisabledReason(_engineStatus, _models, _hasDefaultModel, _isAdmin);

    private ConversationService Conversations => Model.Conversations;
    private GenerationService Generations => Model.Generations;
    private ConversationTransfer Transfer => Model.Transfer;

    protected override async Task OnInitializedAsync()
    {
        User = (await AuthenticationState).User;
        _userId = User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
        _isAdmin = User.IsInRole(Roles.Admin);
        StartKnowledge();
        _engineStatus = Model.Serving.Status;
        _engineSubscription = Model.Serving.Subscribe(OnEngineStatus);
        _remoteSubscription = Model.Serving.SubscribeRemote(() => OnEngineStatus(null));
        _settings = await Model.Settings.GetAsync(_userId);
        await Task.WhenAll(RefreshListAsync(), RefreshModelsAsync(), RefreshQuotaAsync());
        await LoadKnowledgeAsync(); // a new chat loads no conversation, but offers collections to pick
    }

    protected override async Task OnParametersSetAsync()
    {
        if (_shownId == ConversationId && (_detail is not null || _notFound || ConversationId is null))
        {
            return;
        }

        _error = null;
        await ShowConversationAsync(ConversationId);
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!_followAttached && !_notFound && RendererInfo.IsInteractive)
        {
            _followAttached = true;
            await JS.InvokeVoidAsync("webChat.chat.follow", _scroller, _jumpButton);
            await JS.InvokeVoidAsync("webChat.chat.dropZone", _chatMain);
        }
    }

    private async Task ShowConversationAsync(Guid? id)
    {
        _shownId = id;
        _sidebarOpen = false;
        await LoadConversationAsync();
    }

    // A reload of the conversation on screen keeps it shown until the new copy arrives, so its messages (and an
    // edit someone has open) are not torn down and rebuilt; another conversation never shows the old one meanwhile.
    private async Task LoadConversationAsync()
    {
        _notFound = false;
        if (_shownId is not { } id || _detail?.Id != id)
        {
            _detail = null;
            _active = null;
        }

        if (_shownId is not { } shown)
        {
            return;
        }

        try
        {
            // The live answer first, then the stored copy: an answer saves its final copy before it leaves the
            // registry, so when none is found the copy read next is final. Read the other way round, an answer
            // ending in between left its copy shown as streaming, with nothing following it to the end.
            var active = Generations.Find(_userId, shown);
            var detail = await Conversations.GetAsync(_userId, shown);
            (_detail, _active) = (detail, active);
        }
        catch (ConversationNotFoundException)
        {
            (_detail, _active, _notFound) = (null, null, true);
        }

        FollowAnswerWrittenElsewhere();

        await LoadKnowledgeAsync();
    }

    // Streaming with no live answer on this node: another node is writing it (this node marks a dead node's answers
    // interrupted instead), and the page follows its saved copy until it is final.
    private bool AnswerWrittenElsewhere => _active is null && _detail?.Messages is [.., { Status: MessageStatus.Streaming }];

    private void FollowAnswerWrittenElsewhere()
    {
        if (AnswerWrittenElsewhere)
        {
            _answerFollower ??= new StoredAnswerFollower(Model.ChatOptions.FlushInterval, async () =>
            {
                await InvokeAsync(async () =>
                {
                    await LoadConversationAsync();
                    StateHasChanged();
                });
                return AnswerWrittenElsewhere;
            });
            _answerFollower.Follow();
        }
        else
        {
            _answerFollower?.Stop();
        }
    }

    private async Task RefreshListAsync() => _conversations = await Conversations.ListAsync(_userId, _search);

    private async Task RefreshModelsAsync() => (_models, _hasDefaultModel) = await Model.ModelsAsync(User);

    // Null: the remote engines changed; their models are read again.
    private void OnEngineStatus(EngineStatus? status) => _ = InvokeAsync(async () =>
    {
        try
        {
            var modelChanged = status is null || status.ModelDiffersFrom(_engineStatus);
            _engineStatus = status ?? _engineStatus;
            if (modelChanged)
            {
                await RefreshModelsAsync();
            }

            StateHasChanged();
        }
        catch (Exception ex) when (DatabaseOutage.Is(ex))
        {
            // Engine checks go on while the shared database restarts: the models shown stay until the next change.
        }
        catch (Exception ex)
        {
            await DispatchExceptionAsync(ex);
        }
    });

    // Called by the composer as a plain delegate (it needs the answer), so the page renders its own change.
    private async Task<bool> SendAsync(string text)
    {
        var sent = await RunAsync(async () => await AfterStartAsync(await Generations.SendAsync(_userId, _shownId, text)));
        StateHasChanged();
        return sent;
    }

    private async Task RegenerateAsync() =>
        await RunAsync(async () => await AfterStartAsync(await Generations.RegenerateAsync(_userId, _shownId!.Value)));

    private async Task EditAsync((MessageView Message, string Text) edit) =>
        await RunAsync(async () => await AfterStartAsync(await Generations.EditAndResendAsync(_userId, _shownId!.Value, edit.Message.Id, edit.Text)));

    private void Stop()
    {
        if (_shownId is { } id)
        {
            Generations.Stop(_userId, id);
        }
    }

    // Show the streaming answer first; the list (new title, order) can follow a moment later. A new conversation
    // is shown before its address changes: the navigation takes a round trip to the browser and back.
    private async Task AfterStartAsync(ActiveGeneration generation)
    {
        var id = generation.ConversationId;
        await ShowConversationAsync(id);
        // The handle, not a look-up: unless the answer is already over (then the stored copy just loaded shows it).
        _active = generation.Finished.IsCompleted ? _active : generation;
        StateHasChanged();
        if (ConversationId != id)
        {
            Navigation.NavigateTo($"chat/{id}");
        }

        await RefreshListAsync();
        await RefreshQuotaAsync();
    }

    private async Task OnGenerationFinishedAsync()
    {
        await LoadConversationAsync();
        await RefreshListAsync();
        await RefreshQuotaAsync();
    }

    private async Task RefreshQuotaAsync() => _quota = await Model.Quotas.GetStandingAsync(_userId);

    /// <summary>Expected failures become a line of text above the composer; nothing is lost. False when the action failed.</summary>
    private async Task<bool> RunAsync(Func<Task> action)
    {
        _error = null;
        try
        {
            await action();
            return true;
        }
        catch (Exception ex) when (UserErrors.IsExpected(ex))
        {
            _error = ex.Message;
            return false;
        }
        catch (Exception ex) when (DatabaseOutage.Is(ex))
        {
            _error = DatabaseOutage.Message; // with several nodes the shared database can be away for a moment
            return false;
        }
    }
}
