// The image box: choose, drop or paste an image; it is put in the form's file field and looked up.
(function () {
  "use strict";
  var form = document.getElementById("lookup");
  var input = document.getElementById("image");
  var drop = document.getElementById("drop");
  var preview = document.getElementById("preview");
  if (!form || !input || !drop) return;

  function lookUp(file) {
    if (!file || !/^image\//.test(file.type)) return;
    var files = new DataTransfer();
    files.items.add(file);
    input.files = files.files;
    preview.src = URL.createObjectURL(file);
    preview.hidden = false;
    form.submit();
  }

  input.addEventListener("change", function () { if (input.files.length) lookUp(input.files[0]); });
  ["dragenter", "dragover"].forEach(function (name) {
    drop.addEventListener(name, function (event) { event.preventDefault(); drop.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    drop.addEventListener(name, function () { drop.classList.remove("over"); });
  });
  drop.addEventListener("drop", function (event) {
    event.preventDefault();
    if (event.dataTransfer.files.length) lookUp(event.dataTransfer.files[0]);
  });
  document.addEventListener("paste", function (event) {
    var items = (event.clipboardData || {}).items || [];
    for (var i = 0; i < items.length; i++) {
      if (items[i].kind === "file") { event.preventDefault(); lookUp(items[i].getAsFile()); return; }
    }
  });
})();
