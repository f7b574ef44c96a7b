// WebChat chat helpers: copy buttons, Enter-to-send, syntax highlighting and auto-scroll.
// Everything works by event delegation or explicit calls, so Blazor can replace any markup freely.
(() => {
  "use strict";

  const copyText = async (text) => {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Clipboard API needs a secure context; plain-http LAN installs fall back to a hidden textarea.
      const area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      const ok = document.execCommand("copy");
      area.remove();
      return ok;
    }
  };

  const flash = (button, label) => {
    const previous = button.textContent;
    button.textContent = label;
    setTimeout(() => { button.textContent = previous; }, 1200);
  };

  document.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-copy-code]");
    if (!button) return;
    const code = button.closest(".code-block")?.querySelector("pre code");
    if (code) flash(button, (await copyText(code.textContent)) ? "Copied" : "Copy failed");
  });

  // A draft with data-max-chars shows its length as it grows, and red words once it is over the limit. A draft
  // longer than data-max-draft-sent never goes to the server (it would not fit one circuit message): its change
  // and submit events are stopped here, in the capture phase, before Blazor's own listeners see them.
  const limitOf = (area, name) => Number(area?.getAttribute(name) || 0);
  const tooBigToSend = (area) => area instanceof HTMLTextAreaElement && limitOf(area, "data-max-draft-sent") > 0
    && area.value.length > limitOf(area, "data-max-draft-sent");
  const showCount = (area) => {
    const max = limitOf(area, "data-max-chars");
    const counter = area.closest("form")?.querySelector("[data-char-counter]");
    if (!max || !counter) return;
    const length = area.value.length;
    const over = length > max;
    counter.textContent = length < max / 10 ? "" : over
      ? `${length.toLocaleString("en-US")} / ${max.toLocaleString("en-US")} characters: too long to send. A message can have at most ${max.toLocaleString("en-US")} characters.`
      : `${length.toLocaleString("en-US")} / ${max.toLocaleString("en-US")} characters`;
    counter.classList.toggle("over", over);
  };
  document.addEventListener("input", (event) => {
    if (event.target instanceof HTMLTextAreaElement && event.target.hasAttribute("data-max-chars")) showCount(event.target);
  });
  window.addEventListener("change", (event) => {
    if (tooBigToSend(event.target)) event.stopImmediatePropagation();
  }, true);
  window.addEventListener("submit", (event) => {
    const area = event.target instanceof HTMLFormElement ? event.target.querySelector("textarea[data-max-draft-sent]") : null;
    if (area && tooBigToSend(area)) {
      event.preventDefault();
      event.stopImmediatePropagation();
      showCount(area);
    }
  }, true);

  // "#name" completion in the message box: while the word before the caret is #something, the collections whose
  // names start with it are listed (data-collections on the box, one per line). The box keeps the focus and points at
  // the chosen option with aria-activedescendant; a status line says how many match. Arrows choose, Enter or Tab
  // picks, Escape closes. Registered before Enter-sends below, which it stops while the list is open.
  const hashWord = (area) => /(?:^|\s)#([\p{L}\p{N}_-]*)$/u.exec(area.value.slice(0, area.selectionStart));
  const suggestions = (area) => document.getElementById(area.getAttribute("aria-controls") || "");
  const closeSuggestions = (area) => {
    const list = suggestions(area);
    if (!list || list.hidden) return;
    list.hidden = true;
    list.replaceChildren();
    area.removeAttribute("aria-activedescendant");
  };
  const choose = (area, index) => {
    const options = Array.from(suggestions(area)?.children || []);
    if (options.length === 0) return;
    const chosen = (index + options.length) % options.length;
    options.forEach((option, i) => option.setAttribute("aria-selected", i === chosen ? "true" : "false"));
    area.setAttribute("aria-activedescendant", options[chosen].id);
  };
  const pick = (area, name) => {
    const match = hashWord(area);
    if (!match) return;
    const end = area.selectionStart;
    const start = end - match[1].length;
    area.value = area.value.slice(0, start) + name + " " + area.value.slice(end);
    area.selectionStart = area.selectionEnd = start + name.length + 1;
    closeSuggestions(area);
    area.dispatchEvent(new Event("input", { bubbles: true }));
  };
  const suggest = (area) => {
    const list = suggestions(area);
    const status = document.getElementById(area.getAttribute("aria-describedby") || "");
    const match = hashWord(area);
    const names = (area.dataset.collections || "").split("\n").filter(Boolean);
    const typed = match ? match[1].toLowerCase() : null;
    const found = typed === null ? [] : names.filter((n) => n.toLowerCase().startsWith(typed) && n.toLowerCase() !== typed).slice(0, 8);
    if (!list) return;
    if (found.length === 0) {
      closeSuggestions(area);
      if (status) status.textContent = "";
      return;
    }
    list.replaceChildren(...found.map((name, i) => {
      const option = document.createElement("li");
      option.id = `${list.id}-${i}`;
      option.setAttribute("role", "option");
      option.dataset.name = name;
      option.textContent = "#" + name;
      return option;
    }));
    list.hidden = false;
    choose(area, 0);
    if (status) status.textContent = `${found.length} ${found.length === 1 ? "collection matches" : "collections match"}: up and down arrows to choose, Enter to pick.`;
  };
  document.addEventListener("input", (event) => {
    if (event.target instanceof HTMLTextAreaElement && event.target.dataset.collections !== undefined) suggest(event.target);
  });
  document.addEventListener("keydown", (event) => {
    const area = event.target;
    if (!(area instanceof HTMLTextAreaElement)) return;
    const list = suggestions(area);
    if (!list || list.hidden || event.isComposing) return;
    const options = Array.from(list.children);
    const current = options.findIndex((o) => o.getAttribute("aria-selected") === "true");
    const handled = {
      ArrowDown: () => choose(area, current + 1),
      ArrowUp: () => choose(area, current - 1),
      Enter: () => { if (!event.shiftKey) pick(area, options[Math.max(current, 0)].dataset.name); },
      Tab: () => pick(area, options[Math.max(current, 0)].dataset.name),
      Escape: () => closeSuggestions(area),
    }[event.key];
    if (!handled || (event.key === "Enter" && event.shiftKey)) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    handled();
  });
  // A click picks; mousedown is kept from taking the focus off the box.
  document.addEventListener("mousedown", (event) => {
    const option = event.target instanceof Element ? event.target.closest(".composer-collections [role=option]") : null;
    if (!option) return;
    event.preventDefault();
    const area = document.querySelector(`textarea[aria-controls="${option.parentElement.id}"]`);
    if (area) pick(area, option.dataset.name);
  });
  document.addEventListener("focusout", (event) => {
    if (event.target instanceof HTMLTextAreaElement && event.target.dataset.collections !== undefined) closeSuggestions(event.target);
  });

  // Enter sends, Shift+Enter (or Enter while an IME composes) makes a new line; Escape stops the answer being written.
  document.addEventListener("keydown", (event) => {
    const area = event.target;
    if (!(area instanceof HTMLTextAreaElement) || !area.hasAttribute("data-enter-sends")) return;
    if (event.key === "Escape") {
      const stop = area.closest("form")?.querySelector("[data-testid=stop]");
      if (stop) { event.preventDefault(); stop.click(); }
      return;
    }
    if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    area.dispatchEvent(new Event("change", { bubbles: true }));
    area.closest("form")?.requestSubmit();
  });

  // The open block of an answer being written is left plain: Blazor updates its text in place, which
  // highlighting would replace. It is highlighted once finished, when it is rendered as a whole.
  const highlightPending = (root) => {
    if (!window.hljs) return;
    root.querySelectorAll("pre code[class*='language-']:not([data-highlighted])").forEach((code) => {
      if (code.closest(".markdown-tail")) return;
      try { window.hljs.highlightElement(code); } catch { /* unknown language: leave plain */ }
    });
  };

  // One observer per message list: highlights new code and keeps the view pinned to the bottom
  // unless the person scrolled up to read; then a "jump to latest" button appears instead.
  const follow = (scroller, jumpButton) => {
    if (!scroller || scroller.dataset.followed) return;
    scroller.dataset.followed = "1";
    let pinned = true;
    let frame = 0;
    let lastUserInput = 0;
    const atBottom = () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 48;
    const showJump = (show) => { if (jumpButton) jumpButton.hidden = !show; };
    // Only a person scrolling unpins: content being replaced also fires scroll events (clamping), which must not.
    for (const type of ["wheel", "touchmove", "keydown", "mousedown"]) {
      scroller.addEventListener(type, () => { lastUserInput = Date.now(); }, { passive: true });
    }
    scroller.addEventListener("scroll", () => {
      if (atBottom()) {
        pinned = true;
        showJump(false);
      } else if (Date.now() - lastUserInput < 600) {
        pinned = false;
      }
    }, { passive: true });
    const onChange = () => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        highlightPending(scroller);
        if (pinned) scroller.scrollTop = scroller.scrollHeight;
        else showJump(true);
      });
    };
    new MutationObserver(onChange).observe(scroller, { childList: true, subtree: true, characterData: true });
    jumpButton?.addEventListener("click", () => {
      pinned = true;
      showJump(false);
      scroller.scrollTop = scroller.scrollHeight;
    });
    onChange();
  };

  // Files dragged over the page: the chat shows its drop input over the conversation ("dropping") until they are
  // dropped or leave the window. A drop that misses it is swallowed, so the browser does not open the file instead.
  const dropZone = (main) => {
    if (!main || main.dataset.dropZone) return;
    main.dataset.dropZone = "1";
    let depth = 0;
    const carriesFiles = (e) => Array.from(e.dataTransfer?.types || []).includes("Files");
    const end = () => { depth = 0; main.classList.remove("dropping"); };
    document.addEventListener("dragenter", (e) => {
      if (!carriesFiles(e)) return;
      depth++;
      main.classList.add("dropping");
    });
    document.addEventListener("dragleave", (e) => {
      if (carriesFiles(e) && --depth <= 0) end();
    });
    document.addEventListener("dragover", (e) => { if (carriesFiles(e)) e.preventDefault(); });
    document.addEventListener("drop", (e) => {
      if (!(e.target instanceof HTMLInputElement && e.target.type === "file")) e.preventDefault();
      // After the input has taken the files: its change fires during this same drop.
      setTimeout(end, 0);
    });
    document.addEventListener("dragend", end);
  };

  const download = (fileName, contentType, text) => {
    const url = URL.createObjectURL(new Blob([text], { type: contentType }));
    const link = document.createElement("a");
    link.href = url;
    link.download = fileName;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  window.webChat = Object.assign(window.webChat || {}, {
    chat: { copyText, follow, download, dropZone, focus: (element) => element?.focus() },
  });
})();
