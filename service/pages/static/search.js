// Search as you type: ask /v1/search after a short pause, show the newest answer only.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  var input = document.getElementById("q");
  var list = document.getElementById("results");
  var status = document.getElementById("status");
  var timer = null;
  var latest = 0;

  function params() {
    var p = new URLSearchParams();
    p.set("q", input.value.trim());
    p.set("limit", "20");
    var field = document.getElementById("field").value;
    var level = document.getElementById("level").value;
    if (field) p.set("field", field);
    if (level) p.set("level", level);
    if (document.getElementById("fully_online").checked) p.set("fully_online", "true");
    return p;
  }

  function render(results) {
    list.textContent = "";
    results.forEach(function (r) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = "/thu-tuc/" + encodeURIComponent(r.code);
      var title = document.createElement("span");
      title.className = "title";
      title.textContent = r.title;
      a.appendChild(title);
      var meta = document.createElement("span");
      meta.className = "meta";
      meta.textContent = [r.code, r.field || "", r.levels.join(", ")].join(" · ") + (r.fully_online ? " · toàn trình" : "");
      li.appendChild(a);
      li.appendChild(meta);
      list.appendChild(li);
    });
    status.textContent = results.length ? results.length + " kết quả" : "Không tìm thấy thủ tục phù hợp. Thử từ khác hoặc bỏ bớt bộ lọc.";
  }

  function search() {
    var p = params();
    if (!p.get("q")) { list.textContent = ""; status.textContent = ""; return; }
    var ticket = ++latest;
    history.replaceState(null, "", "/?" + p.toString());
    fetch("/v1/search?" + p.toString(), { headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (answer) {
        if (ticket !== latest) return;
        if (answer.ok) render(answer.body.results);
        else { list.textContent = ""; status.textContent = answer.body.detail || "Không tìm được."; }
      })
      .catch(function () { if (ticket === latest) status.textContent = "Mất kết nối tới máy chủ, thử lại sau."; });
  }

  function later() { clearTimeout(timer); timer = setTimeout(search, 150); }
  input.addEventListener("input", later);
  ["field", "level", "fully_online"].forEach(function (id) { document.getElementById(id).addEventListener("change", search); });
  form.addEventListener("submit", function (event) { event.preventDefault(); search(); });
})();
