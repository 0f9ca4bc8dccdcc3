// reportgen serve: reload the page when the server announces another version of it.
// The page names its document and version in <meta> tags; pages that name no document (the
// index, a findings list) follow the server's epoch instead.
(function () {
  "use strict";

  function meta(name) {
    var element = document.querySelector('meta[name="' + name + '"]');
    return element ? element.getAttribute("content") : null;
  }

  var key = meta("reportgen-document");
  var version = meta("reportgen-version");
  var events = null;

  function onVersions(event) {
    var state = JSON.parse(event.data);
    var current = key === null ? String(state.epoch) : String(state.documents[key]);
    if (current !== version) {
      disconnect();
      window.location.reload();
    }
  }

  function connect() {
    if (events === null) {
      events = new EventSource("/events");
      events.addEventListener("versions", onVersions);
    }
  }

  // A hidden tab lets go of its connection (browsers allow only a few per server); the first
  // message after it comes back tells whether the page is still current.
  function disconnect() {
    if (events !== null) {
      events.close();
      events = null;
    }
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      disconnect();
    } else {
      connect();
    }
  });
  if (!document.hidden) {
    connect();
  }

  function link(text, href) {
    var a = document.createElement("a");
    a.textContent = text;
    a.href = href;
    return a;
  }

  // A small bar on document previews: back to the index, the warnings, the downloads.
  function toolbar() {
    if (key === null || meta("reportgen-preview") === null) {
      return;
    }
    var path = key.split("/").map(encodeURIComponent).join("/");
    var bar = document.createElement("nav");
    bar.className = "reportgen-bar";
    bar.appendChild(link("← 全部文档", "/"));
    var warnings = Number(meta("reportgen-warnings") || 0);
    if (warnings > 0) {
      var count = link(warnings + " 个警告", "/findings/" + path);
      count.className = "warnings";
      bar.appendChild(count);
    }
    bar.appendChild(link("下载 PDF", "/download/pdf/" + path));
    bar.appendChild(link("下载 Word", "/download/docx/" + path));
    bar.appendChild(link("下载 Excel", "/download/xlsx/" + path));
    document.body.appendChild(bar);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", toolbar);
  } else {
    toolbar();
  }
})();
