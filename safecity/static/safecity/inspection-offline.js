/* Offline-tolerant inspection form (templates/hazards/inspect.html).
 *
 * - Keeps a draft of what the inspector typed in localStorage while they type (results, notes, time,
 *   campaign, GPS point and the form's submission key), and restores it when the form is opened again.
 * - Sends the form with fetch(). When the network is down it keeps everything on the page (photos
 *   included, as long as the page stays open), says so, and sends again when the phone is back online,
 *   every 30 seconds, or when the inspector taps the button again.
 * - The hidden submission key stays the same across retries and drafts, so the server records one
 *   inspection however many times the form arrives.
 * - A refused form (400), a server error or the login page (session expired) is shown as the server sent
 *   it and the draft is kept; only landing on the target's page (data-success-path) clears it.
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-offline-draft]");
  if (!form || !window.fetch || !window.FormData) return;
  var storageKey = "safecity:" + form.dataset.offlineDraft;
  var banner = document.getElementById("offline-banner");
  var button = form.querySelector("[type=submit]");
  var retryTimer = null;
  var sending = false;
  var SKIP = { csrfmiddlewaretoken: true };

  function storage() {
    try {
      return window.localStorage;
    } catch (e) {
      return null;
    }
  }

  function say(kind, text) {
    if (!banner) return;
    banner.className = "alert alert-" + kind + " py-2 small";
    banner.textContent = text;
    banner.hidden = !text;
  }

  function saveDraft() {
    var store = storage();
    if (!store) return;
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || SKIP[el.name] || el.type === "file" || el.type === "submit") return;
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      data[el.name] = el.value;
    });
    try {
      store.setItem(storageKey, JSON.stringify({ saved: Date.now(), fields: data }));
    } catch (e) {
      /* storage full or disabled: the form still works online */
    }
  }

  function restoreDraft() {
    var store = storage();
    var raw = store && store.getItem(storageKey);
    if (!raw || form.dataset.offlineRestore === "no") return false;
    var draft;
    try {
      draft = JSON.parse(raw);
    } catch (e) {
      return false;
    }
    var fields = draft.fields || {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || SKIP[el.name] || el.type === "file" || !(el.name in fields)) return;
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = fields[el.name] === el.value;
      } else {
        el.value = fields[el.name];
      }
    });
    return true;
  }

  function clearDraft() {
    var store = storage();
    if (store) store.removeItem(storageKey);
  }

  function scheduleRetry() {
    if (retryTimer) return;
    retryTimer = window.setInterval(function () {
      if (navigator.onLine !== false) send();
    }, 30000);
  }

  function stopRetry() {
    if (retryTimer) window.clearInterval(retryTimer);
    retryTimer = null;
  }

  function send() {
    if (sending) return;
    sending = true;
    saveDraft();
    if (button) button.disabled = true;
    say("info", form.dataset.msgSending);
    fetch(form.action || window.location.href, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    })
      .then(function (response) {
        return response.text().then(function (text) {
          sending = false;
          stopRetry();
          var landed = new URL(response.url, window.location.href).pathname;
          if (response.ok && landed === form.dataset.successPath) {
            clearDraft();
            window.location.assign(response.url);
          } else {
            // Refused (400 with the messages), failed, or sent to the login page because the session
            // expired: show that page and keep the draft (same submission key) for the next try.
            document.open();
            document.write(text);
            document.close();
          }
        });
      })
      .catch(function () {
        sending = false;
        if (button) button.disabled = false;
        say("warning", form.dataset.msgOffline);
        scheduleRetry();
      });
  }

  if (restoreDraft()) say("secondary", form.dataset.msgRestored);
  form.addEventListener("input", saveDraft);
  form.addEventListener("change", saveDraft);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    send();
  });
  window.addEventListener("online", function () {
    if (retryTimer) send();
  });
  document.addEventListener("safecity:gps", saveDraft);
})();
