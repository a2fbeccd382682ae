/* xiaodian console: small conveniences. Every page also works without JavaScript. */
'use strict';
(function () {
  /* On a phone the menu starts folded (its summary names the current page). */
  var menu = document.querySelector('[data-menu]');
  if (menu && window.matchMedia('(max-width: 760px)').matches) { menu.open = false; }

  /* Copy buttons: data-copy="<id of the element whose text to copy>". */
  document.querySelectorAll('[data-copy]').forEach(function (btn) {
    btn.addEventListener('click', function () {
      var el = document.getElementById(btn.getAttribute('data-copy'));
      if (!el || !navigator.clipboard) { return; }
      navigator.clipboard.writeText(el.textContent.trim()).then(function () {
        var was = btn.textContent;
        btn.textContent = '已复制';
        setTimeout(function () { btn.textContent = was; }, 1500);
      });
    });
  });

  /* Picture fields: preview the chosen file, or the typed URL. */
  document.querySelectorAll('.picture').forEach(function (box) {
    var img = box.querySelector('.preview');
    var file = box.querySelector('[data-preview]');
    var url = box.querySelector('[data-picture-url]');
    function show(src) {
      img.src = src || '';
      img.classList.toggle('empty', !src);
    }
    if (file) {
      file.addEventListener('change', function () {
        var f = file.files && file.files[0];
        file.parentNode.classList.toggle('chosen', !!f);
        file.parentNode.firstChild.textContent = f ? '已选择：' + f.name : '上传图片';
        if (f) { show(URL.createObjectURL(f)); } else { show(url ? url.value : ''); }
      });
    }
    if (url) {
      url.addEventListener('input', function () { show(url.value.trim()); });
    }
  });

  /* Banner form: the AppID is only needed when jumping to another mini-program. */
  document.querySelectorAll('[data-link-type]').forEach(function (sel) {
    var appid = sel.form.querySelector('[data-appid]');
    function sync() { if (appid) { appid.hidden = sel.value !== '1'; } }
    sel.addEventListener('change', sync);
    sync();
  });

  /* Goods editor's rich content: a small toolbar over the HTML textarea. The caret position
     travels with the form so a picture uploaded for the content goes in where the cursor was. */
  document.querySelectorAll('[data-rich]').forEach(function (box) {
    var text = box.querySelector('[data-rich-text]');
    var caret = box.querySelector('[data-caret]');
    var bar = box.querySelector('.rich-bar');
    var file = box.querySelector('[data-content-file]');
    var insert = box.querySelector('[data-content-insert]');
    if (!text) { return; }
    if (bar) { bar.hidden = false; }
    function keep() { if (caret) { caret.value = String(Array.from(text.value.slice(0, text.selectionStart)).length); } }
    ['keyup', 'click', 'select', 'input'].forEach(function (ev) { text.addEventListener(ev, keep); });
    function put(before, after) {
      var a = text.selectionStart, b = text.selectionEnd, v = text.value;
      text.value = v.slice(0, a) + before + v.slice(a, b) + after + v.slice(b);
      text.focus();
      text.selectionStart = a + before.length;
      text.selectionEnd = b + before.length;
      keep();
    }
    box.querySelectorAll('[data-wrap]').forEach(function (btn) {
      btn.addEventListener('click', function () {
        var tag = btn.getAttribute('data-wrap');
        put('<' + tag + '>', '</' + tag + '>');
      });
    });
    box.querySelectorAll('[data-list]').forEach(function (btn) {
      btn.addEventListener('click', function () { put('<ul>\n  <li>', '</li>\n</ul>'); });
    });
    box.querySelectorAll('[data-link]').forEach(function (btn) {
      btn.addEventListener('click', function () {
        var href = window.prompt('链接地址（https://…）', 'https://');
        if (!href) { return; }
        put('<a href="' + href.replace(/"/g, '%22') + '">', '</a>');
      });
    });
    box.querySelectorAll('[data-image]').forEach(function (btn) {
      btn.addEventListener('click', function () { keep(); if (file) { file.click(); } });
    });
    /* Choosing a picture for the content uploads it at once (the form comes back with it in). */
    if (file && insert) {
      file.addEventListener('change', function () { if (file.files && file.files.length) { insert.click(); } });
    }
  });

  /* Several gallery files chosen: say how many. */
  document.querySelectorAll('[data-files]').forEach(function (input) {
    input.addEventListener('change', function () {
      var n = input.files ? input.files.length : 0;
      input.parentNode.classList.toggle('chosen', n > 0);
      input.parentNode.firstChild.textContent = n ? '已选择 ' + n + ' 张图片' : '选择图片（可多选）';
    });
  });

  /* Customer service: starting a reply shows the shopper "typing" (once per page). */
  document.querySelectorAll('[data-typing-url]').forEach(function (box) {
    var sent = false;
    box.addEventListener('input', function () {
      if (sent) { return; }
      sent = true;
      var body = new URLSearchParams({ csrf: box.getAttribute('data-csrf'), command: 'typing' });
      fetch(box.getAttribute('data-typing-url'), { method: 'POST', body: body, credentials: 'same-origin', redirect: 'manual' });
    });
  });

  /* Address pickers: choosing a province lists its cities, a city its districts. */
  document.querySelectorAll('[data-regions]').forEach(function (box) {
    box.querySelectorAll('[data-region-next]').forEach(function (sel) {
      sel.addEventListener('change', function () {
        var next = box.querySelector('[name="' + sel.getAttribute('data-region-next') + '"]');
        var after = next && next.getAttribute('data-region-next');
        [next, after && box.querySelector('[name="' + after + '"]')].forEach(function (s) {
          if (s) { s.length = 1; s.value = ''; }
        });
        if (!next || !sel.value) { return; }
        fetch('/admin/regions/' + encodeURIComponent(sel.value), { credentials: 'same-origin' })
          .then(function (res) { return res.ok ? res.json() : []; })
          .then(function (list) {
            list.forEach(function (r) { next.add(new Option(r.name, r.id)); });
          });
      });
    });
  });

  /* Phones: every list becomes one card per row, each cell labelled with its column's heading
     (the orders list does this in its HTML). Without JavaScript a list scrolls sideways instead.
     The goods editor's spec and SKU grids keep their columns. */
  document.querySelectorAll('.table-wrap > table').forEach(function (table) {
    if (table.classList.contains('cards') || table.matches('.specs, .skus')) { return; }
    var heads = [];
    table.querySelectorAll('thead tr:first-child > th').forEach(function (th) {
      for (var n = 0; n < th.colSpan; n++) { heads.push(th.textContent.trim()); }
    });
    if (!heads.length) { return; }
    table.querySelectorAll('tbody > tr').forEach(function (tr) {
      var col = 0;
      Array.prototype.forEach.call(tr.children, function (td) {
        var head = heads[col];
        col += td.colSpan;
        if (td.colSpan > 1 || td.hasAttribute('data-label') || td.classList.contains('ops') || !head) { return; }
        td.setAttribute('data-label', head);
      });
    });
    table.classList.add('cards');
  });

  /* "Back" links go back in history when there is one. */
  document.querySelectorAll('[data-back]').forEach(function (a) {
    a.addEventListener('click', function (e) {
      if (history.length > 1) { e.preventDefault(); history.back(); }
    });
  });
})();
