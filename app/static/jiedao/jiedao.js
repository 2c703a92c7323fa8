/* Jiedao: small fixes on top of FAB's pages, loaded on every page after FAB's ab.js. */
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
