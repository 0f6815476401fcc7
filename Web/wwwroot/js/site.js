// Progressive enhancement only: every page works without this file. No inline script anywhere (the CSP forbids it).
"use strict";

// Keeps "3 min ago" current; the words match Web/Posts/RelativeTime.cs, the exact time stays in the title.
function relative(at, now) {
  const seconds = (now - at) / 1000;
  if (seconds < 60) return "just now";
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  if (seconds < 7 * 86400) return `${Math.floor(seconds / 86400)} d ago`;
  return null;   // older: the server's date stays
}

function refreshTimes() {
  const now = Date.now();
  for (const time of document.querySelectorAll("article.post time[datetime]")) {
    const text = relative(Date.parse(time.getAttribute("datetime")), now);
    if (text !== null) time.textContent = text;
  }
}

// A live count of what is left on the compose box, counted as the server counts (user-perceived characters).
function countCharacters(text) {
  const trimmed = text.replace(/\r\n/g, "\n").trim();
  if (typeof Intl !== "undefined" && Intl.Segmenter) {
    let count = 0;
    for (const _ of new Intl.Segmenter().segment(trimmed)) count++;
    return count;
  }
  return Array.from(trimmed).length;
}

function watchCompose() {
  const box = document.getElementById("compose-text");
  const counter = document.getElementById("compose-count");
  if (!box || !counter) return;
  const max = Number(box.dataset.maxLength);
  const update = () => {
    const left = max - countCharacters(box.value);
    const count = Math.abs(left), unit = count === 1 ? "character" : "characters";
    counter.textContent = left >= 0 ? `${count} ${unit} left` : `${count} ${unit} too many`;
    counter.classList.toggle("over", left < 0);
  };
  box.addEventListener("input", update);
  update();
}

document.addEventListener("DOMContentLoaded", () => {
  refreshTimes();
  setInterval(refreshTimes, 30000);
  watchCompose();
});
