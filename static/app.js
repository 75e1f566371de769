/* kinmu: small progressive enhancements, no framework.
 *
 * Upload forms (form[data-upload]): drag and drop onto the drop zone, a size
 * check before sending, and a progress bar while the file goes up
 * (XMLHttpRequest upload.onprogress). The server answers a scripted upload
 * with {"next": url}, which is then opened. Without this script the plain
 * form posts and the server redirects to the same page. */
(function () {
  "use strict";

  function setup(form) {
    var input = form.querySelector('input[type="file"]');
    var zone = form.querySelector("[data-dropzone]");
    var chosen = form.querySelector("[data-chosen]");
    var box = form.querySelector("[data-progress]");
    var bar = box && box.querySelector("progress");
    var text = form.querySelector("[data-progress-text]");
    var error = form.querySelector("[data-upload-error]");
    var button = form.querySelector('button[type="submit"]');
    var max = parseInt(form.getAttribute("data-max-bytes") || "0", 10);
    if (!input) return;

    function showError(message) {
      if (!error) return;
      error.textContent = message;
      error.hidden = !message;
    }

    function showChosen() {
      var f = input.files && input.files[0];
      if (chosen) chosen.textContent = f ? f.name + " (" + Math.ceil(f.size / 1024) + " KB)" : "";
      showError("");
    }
    input.addEventListener("change", showChosen);

    if (zone) {
      ["dragenter", "dragover"].forEach(function (type) {
        zone.addEventListener(type, function (e) {
          e.preventDefault();
          zone.classList.add("over");
        });
      });
      ["dragleave", "drop"].forEach(function (type) {
        zone.addEventListener(type, function (e) {
          e.preventDefault();
          zone.classList.remove("over");
        });
      });
      zone.addEventListener("drop", function (e) {
        if (e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files.length) {
          input.files = e.dataTransfer.files;
          showChosen();
        }
      });
    }

    /* Replaces the page with an HTML answer (the server's error page). */
    function showPage(html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      document.title = doc.title;
      document.body.replaceWith(doc.body);
    }

    form.addEventListener("submit", function (e) {
      var f = input.files && input.files[0];
      if (!f) {
        e.preventDefault();
        showError(form.getAttribute("data-msg-choose") || "");
        return;
      }
      if (max && f.size > max) {
        e.preventDefault();
        showError(form.getAttribute("data-msg-too-large") || "");
        return;
      }
      if (!window.XMLHttpRequest || !window.FormData) return; /* plain post */
      e.preventDefault();
      showError("");
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.getAttribute("action"));
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      if (box) box.hidden = false;
      if (button) button.disabled = true;
      xhr.upload.onprogress = function (ev) {
        if (!ev.lengthComputable) return;
        var pct = Math.floor((ev.loaded / ev.total) * 100);
        if (bar) bar.value = pct;
        if (text) text.textContent = pct + "%";
      };
      xhr.onload = function () {
        if (xhr.status === 200) {
          try {
            var next = JSON.parse(xhr.responseText).next;
            if (typeof next === "string" && next.charAt(0) === "/" && next.charAt(1) !== "/") {
              window.location.assign(next);
              return;
            }
          } catch (ignored) {
            /* fall through to showing the answer */
          }
        }
        if (button) button.disabled = false;
        if (box) box.hidden = true;
        showPage(xhr.responseText);
      };
      xhr.onerror = function () {
        if (button) button.disabled = false;
        if (box) box.hidden = true;
        showError(form.getAttribute("data-msg-failed") || "");
      };
      xhr.send(new FormData(form));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("form[data-upload]");
    for (var i = 0; i < forms.length; i++) setup(forms[i]);
    // Print buttons (an inline onclick would be refused by the
    // Content-Security-Policy).
    var prints = document.querySelectorAll("[data-print]");
    for (var j = 0; j < prints.length; j++) {
      prints[j].addEventListener("click", function () { window.print(); });
    }
    // Forms that undo something ask first (the question is the form's
    // data-confirm).
    var asks = document.querySelectorAll("form[data-confirm]");
    for (var k = 0; k < asks.length; k++) {
      asks[k].addEventListener("submit", function (e) {
        if (!window.confirm(this.getAttribute("data-confirm"))) e.preventDefault();
      });
    }
  });
})();
