/* The back office's photo feed: new field photos appear without reloading the page (3.2.12.9). */
(function () {
  "use strict";
  const feed = document.getElementById("photofeed");
  if (!feed) return;
  let last = Number(feed.dataset.last || 0);
  async function poll() {
    try {
      const response = await fetch(`${feed.dataset.feed}?after=${last}`, { credentials: "same-origin" });
      if (!response.ok) return;
      const body = await response.json();
      const photos = body.results || [];
      if (!photos.length) return;
      const empty = feed.querySelector(".empty");
      if (empty) empty.remove();
      photos.slice().reverse().forEach((p) => {
        const li = document.createElement("li");
        const a = document.createElement("a");
        a.href = p.url;
        const img = document.createElement("img");
        img.src = p.url;
        img.alt = `Foto da OS ${p.order}`;
        a.appendChild(img);
        const span = document.createElement("span");
        span.textContent = `OS ${p.order} · ${new Date(p.taken_at).toLocaleString("pt-BR")}`;
        li.append(a, span);
        feed.prepend(li);
        last = Math.max(last, p.id);
      });
    } catch (e) {
      /* offline for a moment: the next poll catches up */
    }
  }
  setInterval(poll, 10000);
})();
