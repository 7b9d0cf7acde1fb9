/* Brello 360 portal behaviour: progressive enhancement only; every page works without it. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  ready(function () {
    // Mobile navigation toggle.
    var toggle = document.querySelector(".nav-toggle");
    var nav = document.getElementById("site-nav");
    if (toggle && nav) {
      var setMenuOpen = function (open) {
        toggle.setAttribute("aria-expanded", String(open));
        nav.classList.toggle("is-open", open);
      };
      toggle.addEventListener("click", function () {
        setMenuOpen(toggle.getAttribute("aria-expanded") !== "true");
      });
      document.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && nav.classList.contains("is-open")) {
          setMenuOpen(false);
          toggle.focus();
        }
      });
      // The open panel covers the page: once focus moves on past it (Tab after the last item), close it so the
      // focused element is visible. No relatedTarget means the window lost focus: leave the menu as it is.
      var leftMenu = function (event) {
        var next = event.relatedTarget;
        if (nav.classList.contains("is-open") && next && !nav.contains(next) && !toggle.contains(next)) {
          setMenuOpen(false);
        }
      };
      nav.addEventListener("focusout", leftMenu);
      toggle.addEventListener("focusout", leftMenu);
    }

    // The account menu (a <details>): Escape closes it and returns focus to its button (a second Escape then
    // closes the phone menu around it); it also closes when focus moves on out of it.
    document.querySelectorAll("details.account-menu").forEach(function (details) {
      var summary = details.querySelector("summary");
      details.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && details.open) {
          event.stopPropagation();
          details.open = false;
          if (summary) summary.focus();
        }
      });
      details.addEventListener("focusout", function (event) {
        if (details.open && event.relatedTarget && !details.contains(event.relatedTarget)) details.open = false;
      });
    });

    // Forms whose hints depend on a choice (registration: the number formats of the chosen country).
    document.querySelectorAll("select[data-field-hints]").forEach(function (select) {
      var hints = JSON.parse(select.getAttribute("data-field-hints"));
      select.addEventListener("change", function () {
        var forChoice = hints[select.value] || {};
        Object.keys(forChoice).forEach(function (field) {
          var help = document.getElementById("id_" + field + "_helptext");
          if (help) help.textContent = forChoice[field];
        });
      });
    });

    // Click-to-load videos (templates/home/video.html): the player waits in an inert <template>, so the provider
    // is asked for nothing until the partner presses the poster; then it plays, and keyboard focus moves into it.
    document.querySelectorAll("[data-video-player]").forEach(function (box) {
      var template = box.querySelector("template");
      var poster = box.querySelector(".video-poster");
      if (!template || !poster) return;
      box.hidden = false;
      poster.addEventListener("click", function () {
        var player = template.content.cloneNode(true);
        var frame = player.querySelector("iframe");
        if (frame) {
          var src = new URL(frame.getAttribute("src"), document.baseURI);
          src.searchParams.set("autoplay", "1");
          frame.setAttribute("src", src.toString());
          frame.removeAttribute("loading");
        }
        box.replaceChildren(player);
        if (frame) frame.focus();
      });
    });

    // Filters that wait behind a toggle on a phone (the invoices' <details>) stand open on a wider screen.
    if (window.matchMedia("(min-width: 48rem)").matches) {
      document.querySelectorAll("details.invoice-filters-toggle").forEach(function (details) { details.open = true; });
    }

    // One place for htmx feedback: a progress bar while any request runs, an alert when one fails.
    var progress = document.getElementById("page-progress");
    var errorBox = document.getElementById("request-error");
    var active = 0;
    function setBusy(delta) {
      active = Math.max(0, active + delta);
      if (progress) progress.classList.toggle("is-active", active > 0);
      document.body.setAttribute("aria-busy", active > 0 ? "true" : "false");
    }
    function showError(kind) {
      if (!errorBox) return;
      errorBox.querySelector(".request-error__text").textContent = errorBox.dataset[kind];
      errorBox.hidden = false;
    }
    if (errorBox) {
      errorBox.querySelector(".request-error__close").addEventListener("click", function () {
        errorBox.hidden = true;
      });
    }
    document.body.addEventListener("htmx:beforeRequest", function () {
      setBusy(1);
      if (errorBox) errorBox.hidden = true;
    });
    document.body.addEventListener("htmx:afterRequest", function () { setBusy(-1); });
    document.body.addEventListener("htmx:responseError", function () { showError("failed"); });
    document.body.addEventListener("htmx:sendError", function () { showError("offline"); });
    document.body.addEventListener("htmx:timeout", function () { showError("offline"); });

    // Every full-page form (htmx forms have hx-disabled-elt and indicators of their own): the submit button shows it
    // is working and a second click or Enter is ignored while the request runs. aria-disabled, not disabled: a
    // disabled submitter would drop its name=value from the request. A page restored from the back/forward cache,
    // or a response that does not navigate (a download), gets its buttons back.
    function isHtmx(form) {
      return ["hx-post", "hx-get", "hx-put", "hx-patch", "data-hx-post", "data-hx-get"].some(function (name) {
        return form.hasAttribute(name);
      }) || !!form.closest("[hx-boost='true']");
    }
    function setSubmitting(form, submitter, on) {
      if (on) form.setAttribute("data-submitting", "");
      else form.removeAttribute("data-submitting");
      var buttons = form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]");
      buttons.forEach(function (button) {
        if (on) button.setAttribute("aria-disabled", "true");
        else button.removeAttribute("aria-disabled");
        button.classList.toggle("is-busy", on && button === submitter);
      });
      setBusy(on ? 1 : -1);
    }
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (event.defaultPrevented || isHtmx(form)) return;
      if (form.hasAttribute("data-submitting")) {
        event.preventDefault();
        return;
      }
      var submitter = event.submitter || form.querySelector("button[type=submit], button:not([type])");
      setSubmitting(form, submitter, true);
      window.setTimeout(function () {
        if (form.hasAttribute("data-submitting")) setSubmitting(form, submitter, false);
      }, 20000);
    });
    window.addEventListener("pageshow", function (event) {
      if (!event.persisted) return;
      document.querySelectorAll("form[data-submitting]").forEach(function (form) { setSubmitting(form, null, false); });
    });

    // An error summary takes focus (announced, and the next Tab is the form); its links move focus to the field.
    function focusSummary(root) {
      var summary = root.matches && root.matches("[data-error-summary]") ? root : root.querySelector("[data-error-summary]");
      if (summary) summary.focus();
    }
    focusSummary(document);
    document.body.addEventListener("htmx:afterSettle", function (event) { if (event.target.querySelector) focusSummary(event.target); });
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("[data-error-summary] a[data-field]");
      if (!link) return;
      var field = document.getElementById(link.getAttribute("data-field"));
      if (!field) return;
      event.preventDefault();
      field.focus();
      var label = document.querySelector("label[for='" + field.id + "']");
      (label || field).scrollIntoView({ block: "center" });
    });
  });
})();
