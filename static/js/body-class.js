// Loaded synchronously as the first thing in <body>, before anything paints: GOV.UK Frontend's
// styles for scripted components key on these classes. It replaces the inline script of GOV.UK's
// page template, which the Content Security Policy (script-src 'self') forbids.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
