// Drag-and-drop for the upload form; without JavaScript the plain file input still works.
(function () {
  "use strict";
  var zone = document.getElementById("drop-zone");
  var input = document.getElementById("file");
  var label = document.getElementById("file-name");
  if (!zone || !input || !label) {
    return;
  }
  function show() {
    var names = [];
    for (var i = 0; input.files && i < input.files.length; i += 1) {
      names.push(input.files[i].name);
    }
    label.textContent = names.join(", ");
  }
  ["dragenter", "dragover"].forEach(function (type) {
    zone.addEventListener(type, function (event) {
      event.preventDefault();
      zone.classList.add("over");
    });
  });
  ["dragleave", "drop"].forEach(function (type) {
    zone.addEventListener(type, function (event) {
      event.preventDefault();
      zone.classList.remove("over");
    });
  });
  zone.addEventListener("drop", function (event) {
    if (event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      show();
    }
  });
  input.addEventListener("change", show);
})();
