"use strict";
// Starts Swagger UI on the API documentation page. A file rather than drf-spectacular's inline
// script, which the Content-Security-Policy refuses; the page passes what it knows as data-*.
(function () {
  const root = document.getElementById("swagger-ui");
  const unsafe = (method) => !["GET", "HEAD", "OPTIONS", undefined].includes(method);
  window.ui = SwaggerUIBundle({
    url: root.dataset.schemaUrl,
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    // The validator badge would load an image from another site, which the CSP refuses.
    validatorUrl: null,
    requestInterceptor: (request) => {
      // "Try it out" while logged in writes with the session, which Django checks for CSRF.
      if (unsafe(request.method)) {
        request.headers["X-CSRFToken"] = root.dataset.csrfToken;
      }
      return request;
    },
  });
})();
