// The API documentation page: Swagger UI (static/vendor/swagger-ui, loaded before this file) over the OpenAPI
// document named by the element's data-openapi-url. No outside validator is called (validatorUrl: null).
(function () {
  "use strict";
  var element = document.getElementById("swagger-ui");
  if (!element || !window.SwaggerUIBundle) {
    return;
  }
  window.SwaggerUIBundle({
    domNode: element,
    url: element.getAttribute("data-openapi-url"),
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: true,
    validatorUrl: null,
    defaultModelsExpandDepth: 0
  });
})();
