/* Jiedao: small fixes on top of FAB's pages, loaded on every page after FAB's ab.js. */

// select2's own texts (the clear button's tooltip, "no results" …) in the page's language: set before
// the ready handlers that turn the <select>s into select2 boxes run.
(function () {
    var texts = document.getElementById("jiedao-select2-texts");
    if (!texts || !window.jQuery || !jQuery.fn.select2) { return; }
    var t = JSON.parse(texts.textContent);
    var language = {};
    Object.keys(t).forEach(function (key) { language[key] = function () { return t[key]; }; });
    delete language.blank;
    jQuery.fn.select2.defaults.set("language", language);
    // FAB's optional drop-downs show their blank choice as "__None" (its form value): name it
    document.querySelectorAll('option[value="__None"]').forEach(function (o) { o.textContent = t.blank; });
})();

$(function () {
    // select2 4.0.13 renders the chosen value in a role=textbox span with no name while nothing is
    // chosen: give it the field's label, as the <select> it stands for has.
    $("select").each(function () {
        if (!this.id) { return; }
        var rendered = document.getElementById("select2-" + this.id + "-container");
        if (!rendered || rendered.getAttribute("aria-label")) { return; }
        var label = document.querySelector('label[for="' + this.id + '"]');
        var name = label ? label.textContent.replace(/\*/g, "").trim() : this.getAttribute("aria-label");
        if (name) { rendered.setAttribute("aria-label", name); }
    });
});
