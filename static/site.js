/* Progressive enhancement only: every page works without this file.
   1. Type-ahead suggestions under the search box (places, directives, titles), accents ignored.
   2. A filter box over the longer facet lists, also asking the server for values the sidebar does not list.
   3. The date of printing at the top of a printed page. */
(function () {
  "use strict";

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D")
      .toLowerCase().replace(/\s+/g, " ").trim();
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;  // never innerHTML: labels come from the corpus
    return node;
  }

  function debounce(fn, ms) {
    var timer;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  function getJSON(url, signal) {
    return fetch(url, { headers: { Accept: "application/json" }, signal: signal }).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    });
  }

  /* 1. Type-ahead: the ARIA 1.2 combobox pattern with a listbox popup. */
  var KINDS = { place: "Địa phương", directive: "Văn bản", title: "Bài viết" };

  function setUpTypeahead(input) {
    var form = input.form;
    var list = el("ul", "typeahead");
    list.id = input.id + "-suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Gợi ý");
    list.hidden = true;
    form.appendChild(list);
    var status = el("p", "visually-hidden");
    status.setAttribute("role", "status");
    form.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    var items = [], active = -1, controller = null;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      items.forEach(function (item, i) { item.node.setAttribute("aria-selected", String(i === index)); });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", items[index].node.id);
        items[index].node.scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function render(suggestions) {
      list.textContent = "";
      items = suggestions.map(function (suggestion, i) {
        var node = el("li");
        node.id = list.id + "-" + i;
        node.setAttribute("role", "option");
        node.setAttribute("aria-selected", "false");
        node.appendChild(el("span", "typeahead__kind", KINDS[suggestion.kind] || ""));
        node.appendChild(el("span", "typeahead__label", suggestion.label));
        if (suggestion.detail) node.appendChild(el("span", "typeahead__detail", suggestion.detail));
        node.addEventListener("mousedown", function (event) { event.preventDefault(); });
        node.addEventListener("click", function () { window.location.assign(suggestion.url); });
        list.appendChild(node);
        return { node: node, url: suggestion.url };
      });
      active = -1;
      if (items.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        status.textContent = items.length + " gợi ý. Dùng phím mũi tên để chọn.";
      } else {
        close();
        status.textContent = "";
      }
    }

    var lookUp = debounce(function (value) {
      if (controller) controller.abort();
      if (fold(value).replace(/ /g, "").length < 2) { render([]); return; }
      controller = new AbortController();
      getJSON(input.dataset.suggest + "?q=" + encodeURIComponent(value), controller.signal)
        .then(function (data) { if (input.value === value) render(data.suggestions || []); })
        .catch(function () { /* a failed suggestion leaves the plain search box */ });
    }, 150);

    input.addEventListener("input", function () { lookUp(input.value); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && items.length) {
        event.preventDefault();
        if (list.hidden) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
        highlight((active + 1) % items.length);
      } else if (event.key === "ArrowUp" && items.length && !list.hidden) {
        event.preventDefault();
        highlight(active <= 0 ? items.length - 1 : active - 1);
      } else if (event.key === "Enter" && active >= 0 && !list.hidden) {
        event.preventDefault();
        window.location.assign(items[active].url);
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", close);
  }

  /* 2. Facet filter: hide listed values that do not match, and fetch matching values that are not listed. */
  var FILTER_LABELS = { locality: "Lọc địa phương", author: "Lọc tác giả", directive: "Tìm văn bản (số hiệu, tên)" };
  var MIN_VALUES = 6;

  function toggleUrl(facet, value) {
    var params = new URLSearchParams(window.location.search);
    params.delete("page");
    params.append(facet, value);
    return "/?" + params.toString();
  }

  function setUpFacetFilter(section) {
    var facet = section.dataset.facet;
    var listNode = section.querySelector(".facet__values");
    var input = section.querySelector("[data-facet-search]");
    var values = listNode ? Array.prototype.slice.call(listNode.children) : [];
    if (!input) {
      if (values.length < MIN_VALUES) return;
      var label = el("label", "facet__filter-label", FILTER_LABELS[facet]);
      input = el("input", "facet__filter");
      input.type = "search";
      input.id = "facet-filter-" + facet;
      label.htmlFor = input.id;
      section.insertBefore(input, section.querySelector(".facet__title").nextSibling);
      section.insertBefore(label, input);
    }
    if (!listNode) {
      listNode = el("ul", "facet__values");
      input.closest("form").before(listNode);
    }
    var extra = el("ul", "facet__values facet__extra");
    extra.setAttribute("aria-live", "polite");
    listNode.after(extra);
    var controller = null;

    var fetchMore = debounce(function (typed) {
      if (controller) controller.abort();
      extra.textContent = "";
      if (!typed) return;
      controller = new AbortController();
      var url = "/api/facets/" + encodeURIComponent(facet) + "?limit=10&q=" + encodeURIComponent(typed);
      getJSON(url, controller.signal).then(function (data) {
        var listed = {};
        section.querySelectorAll(".facet__values:not(.facet__extra) .facet__label").forEach(function (node) {
          listed[fold(node.textContent)] = true;
        });
        extra.textContent = "";
        data.values.forEach(function (value) {
          var link = el("a", "facet__value");
          link.href = toggleUrl(facet, value.value);
          link.appendChild(el("span", "facet__check"));
          link.appendChild(el("span", "facet__label", value.label));
          link.appendChild(document.createTextNode(" "));
          link.appendChild(el("span", "facet__count", String(value.count)));
          var item = el("li");
          item.appendChild(link);
          if (!listed[fold(value.label)]) extra.appendChild(item);
        });
      }).catch(function () {});
    }, 200);

    input.addEventListener("input", function () {
      var typed = fold(input.value);
      values.forEach(function (item) {
        item.hidden = typed !== "" && fold(item.textContent).indexOf(typed) === -1;
      });
      fetchMore(input.value.trim());
    });
  }

  /* 3. The printed page says the day it was printed (the server wrote the day it was served). */
  window.addEventListener("beforeprint", function () {
    var now = new Date();
    var day = ("0" + now.getDate()).slice(-2) + "/" + ("0" + (now.getMonth() + 1)).slice(-2) + "/" + now.getFullYear();
    document.querySelectorAll("[data-print-date]").forEach(function (node) { node.textContent = day; });
  });

  document.querySelectorAll("input[data-suggest]").forEach(setUpTypeahead);
  document.querySelectorAll(".facet[data-facet]").forEach(function (section) {
    if (section.dataset.facet !== "date") setUpFacetFilter(section);
  });
})();
