// The attendance screen: the running timer, and a one-click screen capture attached to the attendance
// (getDisplayMedia; without it, the file field stays for an image saved by hand).
(function () {
  "use strict";
  var timer = document.getElementById("att-timer");
  if (timer) {
    var started = Date.parse(timer.dataset.started);
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    var tick = function () {
      var s = Math.max(0, Math.floor((Date.now() - started) / 1000));
      timer.textContent = pad(Math.floor(s / 3600)) + ":" + pad(Math.floor((s % 3600) / 60)) + ":" + pad(s % 60);
    };
    tick();
    window.setInterval(tick, 1000);
  }
  var button = document.getElementById("capture-screen");
  var form = document.getElementById("document-form");
  if (!button || !form || !navigator.mediaDevices || !navigator.mediaDevices.getDisplayMedia) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.mediaDevices.getDisplayMedia({ video: true, preferCurrentTab: true, selfBrowserSurface: "include" }).then(function (stream) {
      var video = document.createElement("video");
      video.srcObject = stream;
      video.muted = true;
      return video.play().then(function () {
        var canvas = document.createElement("canvas");
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        canvas.getContext("2d").drawImage(video, 0, 0);
        stream.getTracks().forEach(function (t) { t.stop(); });
        return new Promise(function (resolve) { canvas.toBlob(resolve, "image/png"); });
      });
    }).then(function (blob) {
      var data = new FormData(form);
      var stamp = new Date().toISOString().replace(/[:.]/g, "-");
      data.set("file", blob, "captura-" + stamp + ".png");
      data.set("description", "Captura de tela do atendimento");
      return fetch(form.action, { method: "POST", body: data, credentials: "same-origin" });
    }).then(function (response) {
      if (response) { window.location.assign(response.url || window.location.href); }
    }).catch(function () {
      button.textContent = "Captura indisponível: anexe uma imagem";
      button.disabled = true;
    });
  });
})();
