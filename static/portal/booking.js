// Progressive enhancement of the slot picker: the page works without this file.
// 1. Times are first shown in the business's zone; if the visitor did not choose a zone yet, switch
//    to the zone their browser reports (they can still pick another one).
// 2. Changing the zone or the staff member reloads the times at once.
(function () {
  "use strict";
  var form = document.getElementById("picker");
  if (!form) return;
  var select = form.querySelector("[data-detect-zone]");
  var params = new URLSearchParams(window.location.search);
  if (select && !params.has("tz")) {
    var detected = "";
    try { detected = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { detected = ""; }
    var known = Array.prototype.some.call(select.options, function (option) { return option.value === detected; });
    if (detected && known && detected !== select.value) {
      params.set("tz", detected);
      window.location.replace(window.location.pathname + "?" + params.toString() + window.location.hash);
      return;
    }
  }
  Array.prototype.forEach.call(form.querySelectorAll("select"), function (field) {
    field.addEventListener("change", function () { form.submit(); });
  });
})();
