// What only a script can read about the browser, put in a connecting form's hidden fields so
// the server can send HMRC's fraud prevention headers (Gov-Client-Browser-JS-User-Agent,
// -Screens, -Window-Size, -Timezone). Without script the fields stay empty and those headers
// are left out.
(function () {
  "use strict";
  function fill(form) {
    var values = {
      js_user_agent: navigator.userAgent,
      screen_width: window.screen.width,
      screen_height: window.screen.height,
      screen_scaling: window.devicePixelRatio,
      screen_colour_depth: window.screen.colorDepth,
      window_width: window.innerWidth,
      window_height: window.innerHeight,
      utc_offset_minutes: -new Date().getTimezoneOffset()
    };
    Object.keys(values).forEach(function (name) {
      var input = form.querySelector('input[name="' + name + '"]');
      if (input) { input.value = String(values[name]); }
    });
  }
  document.addEventListener("submit", function (event) {
    if (event.target instanceof HTMLFormElement) { fill(event.target); }
  }, true);
}());
