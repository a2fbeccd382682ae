/* xiaodian console: small conveniences. Every page also works without JavaScript. */
'use strict';
(function () {
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

  /* "Back" links go back in history when there is one. */
  document.querySelectorAll('[data-back]').forEach(function (a) {
    a.addEventListener('click', function (e) {
      if (history.length > 1) { e.preventDefault(); history.back(); }
    });
  });
})();
