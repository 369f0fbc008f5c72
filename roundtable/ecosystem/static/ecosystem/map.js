// "Download PNG" on the ecosystem map: draw the page's own SVG onto a canvas and save it.
// No library: the browser already renders SVG; the canvas turns it into pixels.
(function () {
  "use strict";

  function download(blob, filename) {
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = filename;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
  }

  function savePng(button) {
    const svg = document.querySelector(button.dataset.mapPng);
    if (!svg) return;
    const scale = 2; // sharp on high-density screens and in slides
    const width = svg.viewBox.baseVal.width;
    const height = svg.viewBox.baseVal.height;
    const source = new XMLSerializer().serializeToString(svg);
    const url = URL.createObjectURL(new Blob([source], { type: "image/svg+xml;charset=utf-8" }));
    const image = new Image();
    image.onload = function () {
      const canvas = document.createElement("canvas");
      canvas.width = width * scale;
      canvas.height = height * scale;
      const context = canvas.getContext("2d");
      context.scale(scale, scale);
      context.drawImage(image, 0, 0, width, height);
      URL.revokeObjectURL(url);
      canvas.toBlob(function (blob) { download(blob, button.dataset.filename || "map.png"); }, "image/png");
    };
    image.src = url;
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-map-png]");
    if (button) savePng(button);
  });
})();
