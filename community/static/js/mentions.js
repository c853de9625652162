// Fælled: offers the space's members after an "@" in a post or comment (issue 13). Without JavaScript
// an "@Name" typed by hand links and tells the member all the same; this only helps to find and spell
// the name.
//
// The WAI-ARIA 1.2 combobox pattern for a text field with a list popup: the focus stays in the textarea
// (aria-autocomplete="list", aria-controls, aria-activedescendant), the names are a listbox of options
// below it; ArrowDown and ArrowUp move through them, Enter or Tab inserts the one chosen as
// "@Full Name " at the caret, Escape closes the list, a click chooses too. A polite status says how many
// names there are, which is also how a screen reader learns that the list opened: a textarea keeps its
// textbox role (role="combobox" would take away that it is multi-line), and aria-expanded is not allowed
// on a textbox (axe: aria-allowed-attr). Nothing is chosen until an arrow key is pressed, so Enter and
// Tab keep their usual meaning for someone who just writes.
//
// The words come translated from data attributes on the textarea or an element around it:
// data-mentions-url (the JSON look-up), -label (the list's name), -one and -other (the count, "{n}"),
// -none (when the names offered run out). Markup: villages/_macros.html, mentions_data().
(function () {
  "use strict";
  if (!window.fetch || !window.HTMLTextAreaElement || !("setRangeText" in HTMLTextAreaElement.prototype)) {
    return;
  }
  var MAX = 40; // the longest start of a name the server looks up (community/spaces/mentions.py)
  var DELAY = 150; // ms of quiet typing before asking
  // The start of a name after "@": a letter, digit or "_" first (as the server reads mentions), then
  // single spaces between words and none at the end, so "@Anne " is done and the list closes.
  var NAME = /^[\p{L}\p{N}_](?:[^\s@]| (?=[^\s@]))*$/u;
  var BEFORE = /[\p{L}\p{N}_@]/u; // an "@" after one of these is an address or a word, not a mention
  var REST = /^[\p{L}\p{N}_'.-]*/u; // the rest of a word the caret was inside when a name is chosen
  var counter = 0;

  function tokenAt(value, caret) {
    var at = value.lastIndexOf("@", caret - 1);
    if (at < 0 || caret - at - 1 < 1 || caret - at - 1 > MAX) {
      return null;
    }
    if (at > 0 && BEFORE.test(value.charAt(at - 1))) {
      return null;
    }
    var text = value.slice(at + 1, caret);
    return NAME.test(text) ? { start: at, text: text } : null;
  }

  function setUp(textarea, source) {
    var url = source.getAttribute("data-mentions-url");
    if (!url || textarea.hasAttribute("aria-autocomplete")) {
      return;
    }
    counter += 1;
    var words = {
      one: source.getAttribute("data-mentions-one") || "",
      other: source.getAttribute("data-mentions-other") || "",
      none: source.getAttribute("data-mentions-none") || "",
    };
    var list = document.createElement("ul");
    list.id = "mentions-list-" + counter;
    list.className = "mentions-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", source.getAttribute("data-mentions-label") || "");
    list.hidden = true;
    var status = document.createElement("div");
    status.className = "visually-hidden";
    // A live region without role="status": the page's flash messages are its status (one per page).
    status.setAttribute("aria-live", "polite");
    status.setAttribute("aria-atomic", "true");
    textarea.parentNode.classList.add("mentions-anchor");
    textarea.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);
    textarea.setAttribute("aria-autocomplete", "list");
    textarea.setAttribute("aria-controls", list.id);

    var token = null; // {start, text}: the "@…" before the caret
    var items = [];
    var active = -1;
    var dismissedAt = -1; // the "@" whose list was closed with Escape: not offered again while typing on
    var empties = []; // starts that found nobody: a longer one finds nobody either
    var timer = 0;
    var controller = null;
    var seq = 0;

    function say(text) {
      if (status.textContent !== text) {
        status.textContent = text;
      }
    }

    function cancel() {
      window.clearTimeout(timer);
      if (controller) {
        controller.abort();
        controller = null;
      }
      seq += 1;
    }

    function close() {
      var wasOpen = !list.hidden;
      list.hidden = true;
      list.textContent = "";
      items = [];
      active = -1;
      textarea.removeAttribute("aria-activedescendant");
      return wasOpen;
    }

    function move(index) {
      var options = list.children;
      for (var i = 0; i < options.length; i += 1) {
        options[i].setAttribute("aria-selected", i === index ? "true" : "false");
      }
      active = index;
      textarea.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    }

    function choose(index) {
      var member = items[index];
      if (!member || !token) {
        return;
      }
      var value = textarea.value;
      var start = token.start;
      var end = start + 1 + token.text.length;
      end += value.slice(end).match(REST)[0].length;
      var spaced = /^\s/.test(value.slice(end));
      textarea.setRangeText("@" + member.name + (spaced ? "" : " "), start, end, "end");
      if (spaced) {
        textarea.setSelectionRange(textarea.selectionEnd + 1, textarea.selectionEnd + 1);
      }
      cancel();
      close();
      say("");
      token = null;
      textarea.focus();
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }

    function show(members) {
      var wasOpen = close();
      items = members;
      members.forEach(function (member, i) {
        var option = document.createElement("li");
        option.id = list.id + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = member.name;
        // Keep the focus, and with it the caret, in the textarea while the pointer chooses.
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
        });
        option.addEventListener("click", function () {
          choose(i);
        });
        list.appendChild(option);
      });
      if (members.length) {
        list.hidden = false;
        if (!wasOpen) {
          list.firstChild.scrollIntoView({ block: "nearest" }); // under a tall textarea it may be below the fold
        }
        say((members.length === 1 ? words.one : words.other).replace("{n}", String(members.length)));
      } else if (wasOpen) {
        say(words.none);
      }
    }

    function ask(text) {
      cancel();
      var mine = seq;
      controller = window.AbortController ? new AbortController() : null;
      var address = url + (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(text);
      window
        .fetch(address, {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
          signal: controller ? controller.signal : undefined,
        })
        .then(function (response) {
          var type = response.headers.get("Content-Type") || "";
          if (!response.ok || type.indexOf("application/json") < 0) {
            throw new Error("no names"); // logged out, too many look-ups: the text works without them
          }
          return response.json();
        })
        .then(function (data) {
          if (mine !== seq || !token || token.text !== text) {
            return;
          }
          var members = (data && Array.isArray(data.members) ? data.members : []).filter(function (m) {
            return m && typeof m.name === "string";
          });
          if (!members.length) {
            empties.push(text.toLowerCase());
          }
          show(members);
        })
        .catch(function () {
          if (mine === seq) {
            close();
          }
        });
    }

    function update() {
      var caret = textarea.selectionStart;
      var found = caret === textarea.selectionEnd ? tokenAt(textarea.value, caret) : null;
      if (!found) {
        token = null;
        dismissedAt = -1;
        cancel();
        if (close()) {
          say("");
        }
        return;
      }
      var same = token && token.start === found.start && token.text === found.text;
      token = found;
      if (found.start === dismissedAt || same) {
        return;
      }
      var folded = found.text.toLowerCase();
      var hopeless = empties.some(function (start) {
        return folded.indexOf(start) === 0;
      });
      if (hopeless) {
        cancel();
        show([]);
        return;
      }
      cancel();
      timer = window.setTimeout(function () {
        ask(found.text);
      }, DELAY);
    }

    textarea.addEventListener("input", update);
    textarea.addEventListener("click", update);
    textarea.addEventListener("keyup", function (event) {
      if (["ArrowLeft", "ArrowRight", "Home", "End", "PageUp", "PageDown"].indexOf(event.key) >= 0) {
        update();
      }
    });
    textarea.addEventListener("blur", function () {
      cancel();
      if (close()) {
        say("");
      }
      token = null;
    });
    textarea.addEventListener("keydown", function (event) {
      if (list.hidden || event.isComposing || event.altKey || event.ctrlKey || event.metaKey) {
        return;
      }
      var count = items.length;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        move(active + 1 < count ? active + 1 : 0);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        move(active > 0 ? active - 1 : count - 1);
      } else if ((event.key === "Enter" || event.key === "Tab") && !event.shiftKey && active >= 0) {
        event.preventDefault();
        choose(active);
      } else if (event.key === "Escape") {
        event.preventDefault();
        dismissedAt = token ? token.start : -1;
        cancel();
        close();
        say("");
      }
    });
  }

  var found = document.querySelectorAll("textarea[data-mentions-url], [data-mentions-url] textarea");
  Array.prototype.forEach.call(found, function (textarea) {
    setUp(textarea, textarea.closest("[data-mentions-url]"));
  });
})();
