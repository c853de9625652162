// Starts the vendored Swagger UI on /api/docs with the OpenAPI document the page names (no inline
// script, so the Content-Security-Policy needs no exception).
document.addEventListener("DOMContentLoaded", function () {
  var target = document.getElementById("swagger-ui");
  if (!target || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: target.getAttribute("data-spec-url"),
    domNode: target,
    deepLinking: false,
    tryItOutEnabled: false,
    validatorUrl: null,
    withCredentials: false,
  });
});
