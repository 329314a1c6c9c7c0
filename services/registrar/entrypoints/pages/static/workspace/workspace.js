/* EdQuill registrar workspace: small enhancements over pages that work without script.
   - tabs: the ARIA tabs pattern (arrow keys, Home, End), without reloading;
   - the detail panel opens and closes in place; focus moves into it and back to its card;
   - the Class tab checks a placement as soon as a class is picked and shows the warning;
   - a column's "more" link adds the next page of cards to the column;
   - History loads the messages sent when the tab is first shown. */
(function () {
  "use strict";

  function fetchFragment(url) {
    return fetch(url, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (answer) {
        if (answer.status === 401) {
          window.location.reload();  // the session ended: the page itself goes to sign-in
          throw new Error("signed out");
        }
        return answer.text().then(function (html) {
          return { ok: answer.ok, status: answer.status, html: html };
        });
      });
  }

  function parse(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    return template.content;
  }

  function withParam(url, name, value) {
    var parsed = new URL(url, window.location.href);
    if (value === null) {
      parsed.searchParams.delete(name);
    } else {
      parsed.searchParams.set(name, value);
    }
    return parsed.pathname + parsed.search + parsed.hash;
  }

  function withParams(url, changes) {
    return Object.keys(changes).reduce(function (result, name) {
      return withParam(result, name, changes[name]);
    }, url);
  }

  /* ---- tabs ------------------------------------------------------------------------------ */

  var KEY_MOVES = {
    ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1, Home: "first", End: "last"
  };

  function setUpTabs(root) {
    var tablist = root.querySelector("[role=tablist]");
    if (!tablist) { return; }
    var tabs = Array.prototype.slice.call(tablist.querySelectorAll("[role=tab]"));

    function select(chosen) {
      tabs.forEach(function (tab) {
        var selected = tab === chosen;
        tab.setAttribute("aria-selected", selected ? "true" : "false");
        tab.setAttribute("tabindex", selected ? "0" : "-1");
        var panel = document.getElementById(tab.getAttribute("aria-controls"));
        if (panel) { panel.hidden = !selected; }
      });
      chosen.focus();
      var key = chosen.getAttribute("data-tab");
      history.replaceState(history.state, "",
        withParams(window.location.href, { tab: key, done: null }));
      if (key === "history") { loadMessages(root); }
    }

    tabs.forEach(function (tab, index) {
      tab.setAttribute("tabindex", tab.getAttribute("aria-selected") === "true" ? "0" : "-1");
      tab.addEventListener("click", function (event) {
        event.preventDefault();
        select(tab);
      });
      tab.addEventListener("keydown", function (event) {
        var move = KEY_MOVES[event.key];
        if (move === undefined) { return; }
        event.preventDefault();
        if (move === "first") { select(tabs[0]); }
        else if (move === "last") { select(tabs[tabs.length - 1]); }
        else { select(tabs[(index + move + tabs.length) % tabs.length]); }
      });
    });
    root.querySelectorAll("[data-tab-link]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var name = link.getAttribute("data-tab-link");
        var target = tablist.querySelector("[data-tab='" + name + "']");
        if (target) {
          event.preventDefault();
          select(target);
        }
      });
    });
  }

  function loadMessages(root) {
    var slot = root.querySelector("#messages[data-src]");
    if (!slot || slot.getAttribute("data-loaded")) { return; }
    slot.setAttribute("data-loaded", "yes");
    slot.setAttribute("aria-busy", "true");
    fetchFragment(slot.getAttribute("data-src")).then(function (answer) {
      slot.innerHTML = answer.html;
    }).catch(function () {
      slot.textContent = "The list of messages sent could not be loaded. " +
        "Reload the page to try again.";
    }).then(function () {
      slot.removeAttribute("aria-busy");
    });
  }

  /* ---- the detail panel ------------------------------------------------------------------ */

  var opener = null;

  function panelSlot() { return document.getElementById("panel-slot"); }

  function showPanel(html) {
    var slot = panelSlot();
    slot.innerHTML = "";
    slot.appendChild(parse(html));
    document.getElementById("workspace").classList.add("with-panel");
    enhancePanel(slot);
    markOpenCard();
    var target = slot.querySelector("[data-autofocus]") || document.getElementById("panel-title");
    if (target) { target.focus(); }
  }

  function openPanel(card) {
    opener = card;
    var pageUrl = withParams(card.getAttribute("href"), { tab: null, done: null });
    var query = new URL(pageUrl, window.location.href).search;
    var fragmentUrl = "/admin/registrar/registrations/" +
      card.getAttribute("data-registration") + "/panel" + query;
    return fetchFragment(fragmentUrl).then(function (answer) {
      if (!answer.ok) {
        window.location.href = pageUrl;  // the page itself says what is wrong
        return;
      }
      history.pushState({}, "", pageUrl);
      showPanel(answer.html);
      document.title = document.getElementById("panel-title").textContent +
        " · Registrations · EdQuill";
    }).catch(function () { window.location.href = pageUrl; });
  }

  function closePanel(link) {
    var panel = document.getElementById("panel");
    var id = panel ? panel.getAttribute("data-registration") : null;
    panelSlot().innerHTML = "";
    document.getElementById("workspace").classList.remove("with-panel");
    var boardUrl = withParams(link ? link.getAttribute("href") : window.location.href,
      { registration: null, tab: null, done: null });
    history.pushState({}, "", boardUrl.replace(/#.*$/, ""));
    document.title = "Registrations · EdQuill";
    markOpenCard();
    var card = opener && document.body.contains(opener) ? opener
      : (id && document.getElementById("card-" + id));
    if (card) { card.focus(); } else { document.getElementById("main").focus(); }
  }

  function markOpenCard() {
    var panel = document.getElementById("panel");
    var openId = panel ? panel.getAttribute("data-registration") : null;
    document.querySelectorAll(".card").forEach(function (card) {
      var open = card.getAttribute("data-registration") === openId;
      card.classList.toggle("is-open", open);
      if (open) { card.setAttribute("aria-current", "true"); }
      else { card.removeAttribute("aria-current"); }
    });
  }

  function enhancePanel(root) {
    var panel = root.querySelector("#panel");
    if (!panel) { return; }
    setUpTabs(panel);
    var close = panel.querySelector("[data-close]");
    if (close) {
      close.addEventListener("click", function (event) {
        event.preventDefault();
        closePanel(close);
      });
    }
    panel.addEventListener("keydown", function (event) {
      // Escape closes the panel, unless it is closing an open list first.
      if (event.key === "Escape" && !event.defaultPrevented && event.target.tagName !== "SELECT") {
        event.preventDefault();
        closePanel(close);
      }
    });
    setUpPlacementCheck(panel);
    if (panel.querySelector("[data-tab=history][aria-selected=true]")) { loadMessages(panel); }
  }

  /* ---- the placement check --------------------------------------------------------------- */

  function setUpPlacementCheck(panel) {
    var form = panel.querySelector("#placement-form");
    if (!form) { return; }
    var teacher = form.querySelector("select[name=teacher_id]");
    var schedule = form.querySelector("select[name=schedule_id]");
    var result = form.querySelector("#placement-check");
    var asked = 0;

    function teachesIt(option) {
      return option.getAttribute("data-teacher") === teacher.value;
    }

    function filterClasses() {
      Array.prototype.forEach.call(schedule.querySelectorAll("optgroup"), function (group) {
        var keep = !teacher.value ||
          Array.prototype.some.call(group.querySelectorAll("option"), teachesIt);
        group.hidden = !keep;
        group.disabled = !keep;
      });
      var selected = schedule.options[schedule.selectedIndex];
      if (selected && selected.value && teacher.value && !teachesIt(selected)) {
        schedule.value = "";
        result.innerHTML = "";
      }
    }

    function check() {
      var selected = schedule.options[schedule.selectedIndex];
      if (!selected || !selected.value) {
        result.innerHTML = "";
        return;
      }
      teacher.value = selected.getAttribute("data-teacher");
      filterClasses();
      var url = withParams(form.getAttribute("data-check-url"),
        { schedule_id: selected.value, teacher_id: teacher.value });
      var mine = ++asked;
      result.setAttribute("aria-busy", "true");
      fetchFragment(url).then(function (answer) {
        if (mine === asked) { result.innerHTML = answer.html; }  // else a later pick won
      }).catch(function () {
        result.textContent = "The class could not be checked just now; saving still checks it.";
      }).then(function () {
        result.removeAttribute("aria-busy");
      });
    }

    teacher.addEventListener("change", filterClasses);
    schedule.addEventListener("change", check);
    filterClasses();
  }

  /* ---- column paging and cards ------------------------------------------------------------ */

  function showMore(link) {
    var list = document.getElementById("cards-" + link.getAttribute("data-column"));
    link.setAttribute("aria-busy", "true");
    fetchFragment(link.getAttribute("data-fragment")).then(function (answer) {
      if (!answer.ok) {
        window.location.href = link.href;
        return;
      }
      var content = parse(answer.html);
      var first = null;
      Array.prototype.forEach.call(content.querySelectorAll("ul > li"), function (item) {
        list.appendChild(item);
        first = first || item.querySelector("a.card");
      });
      var nextSlot = content.querySelector(".more-slot");
      link.closest(".more-slot").innerHTML = nextSlot ? nextSlot.innerHTML : "";
      markOpenCard();
      if (first) { first.focus(); }
    }).catch(function () { window.location.href = link.href; });
  }

  function setUpBoard() {
    document.addEventListener("click", function (event) {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) { return; }
      var more = event.target.closest("a.more-link[data-fragment]");
      var card = event.target.closest("a.card");
      if (more) {
        event.preventDefault();
        showMore(more);
      } else if (card) {
        event.preventDefault();
        openPanel(card);
      }
    });
    window.addEventListener("popstate", function () { window.location.reload(); });
  }

  /* ---- start ------------------------------------------------------------------------------ */

  function initialFocus() {
    var autofocus = document.querySelector("[data-autofocus]");
    var hash = window.location.hash.slice(1);
    var title = document.getElementById("panel-title");
    if (autofocus) {
      autofocus.focus();
    } else if (hash.indexOf("card-") === 0 && document.getElementById(hash)) {
      document.getElementById(hash).focus();
    } else if (title && new URL(window.location.href).searchParams.get("registration")) {
      title.focus();  // opened from a link (the dashboard's): start in the panel
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpBoard();
    if (panelSlot()) { enhancePanel(panelSlot()); }
    initialFocus();
  });
})();
