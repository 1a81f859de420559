// The back office's editor for rich text (item bodies, the guide's sections, the annual report's
// written parts). It puts a toolbar of
// real buttons over an editable area and writes the area's HTML back into the textarea it
// replaces; without JavaScript the textarea stays and its blank lines become paragraphs. The
// server cleans whatever arrives (src/rich_text.rs): pasting asks it to clean Word's or WPS's
// HTML first, so what the clerk sees is what will be saved, and the preview is its rendering.
(function () {
  'use strict';

  // A report part keeps a narrower format (its text travels as Markdown and JSON too, and its
  // only tables are the statutory ones): no top-level headings, tables or pictures.
  var NOT_IN_REPORTS = ['标题', '插入表格', '表格加一行', '插入图片'];

  var BUTTONS = [
    ['段落', '正文段落', function (ed) { ed.block('p'); }],
    ['标题', '一级小标题（如“一、总体要求”）', function (ed) { ed.block('h2'); }],
    ['小标题', '二级小标题（如“（一）工作目标”）', function (ed) { ed.block('h3'); }],
    ['加粗', '加粗选中的文字', function (ed) { ed.command('bold'); }],
    ['编号列表', '编号列表（1. 2. 3.）', function (ed) { ed.command('insertOrderedList'); }],
    ['项目列表', '项目列表（圆点）', function (ed) { ed.command('insertUnorderedList'); }],
    ['插入表格', '插入表格', function (ed) { ed.table(); }],
    ['表格加一行', '在光标所在行下面加一行', function (ed) { ed.addRow(); }],
    ['链接', '把选中的文字设为链接', function (ed) { ed.link(); }],
    ['插入图片', '上传图片并插入到光标处', function (ed) { ed.picture(); }, 'pictures'],
    ['清除格式', '去掉选中文字的加粗等格式', function (ed) { ed.command('removeFormat'); }],
    ['预览', '按门户显示效果预览', function (ed) { ed.preview(); }, 'preview'],
  ];

  function escapeText(text) {
    var div = document.createElement('div');
    div.textContent = text;
    return div.innerHTML;
  }

  // Typed text as paragraphs: blank lines separate them, single line breaks stay.
  function paragraphs(text) {
    return text.replace(/\r\n/g, '\n').split(/\n\s*\n/).map(function (p) {
      p = p.trim();
      return p ? '<p>' + p.split('\n').map(escapeText).join('<br>') + '</p>' : '';
    }).join('');
  }

  // What the textarea held, made inert before it is shown (the server cleans it again on save).
  function inert(html) {
    var doc = new DOMParser().parseFromString('<body>' + html, 'text/html');
    doc.querySelectorAll('script,style,iframe,object,embed,link,meta').forEach(function (n) { n.remove(); });
    doc.querySelectorAll('*').forEach(function (n) {
      Array.prototype.slice.call(n.attributes).forEach(function (a) {
        if (/^on/i.test(a.name) || /^\s*javascript:/i.test(a.value)) n.removeAttribute(a.name);
      });
    });
    return doc.body.innerHTML;
  }

  function Editor(textarea) {
    var self = this;
    this.textarea = textarea;
    this.form = textarea.form;
    this.csrf = this.form && this.form.querySelector('input[name="csrf"]');
    this.range = null;
    var label = document.querySelector('label[for="' + textarea.id + '"]');
    if (label && !label.id) label.id = textarea.id + '-label';

    var box = document.createElement('div');
    box.className = 'editor';
    var toolbar = document.createElement('div');
    toolbar.className = 'editor-toolbar';
    toolbar.setAttribute('role', 'toolbar');
    toolbar.setAttribute('aria-label', (label ? label.textContent.replace(/（[^（）]*）\s*$/, '') : '正文') + '格式');
    var area = document.createElement('div');
    area.id = textarea.id + '-editor';
    area.className = 'editor-area item-body';
    area.contentEditable = 'true';
    area.setAttribute('role', 'textbox');
    area.setAttribute('aria-multiline', 'true');
    if (label) area.setAttribute('aria-labelledby', label.id);
    toolbar.setAttribute('aria-controls', area.id);
    var value = textarea.value;
    // A report part's textarea holds the report's line format; the server gives its HTML.
    this.report = textarea.dataset.format === 'report';
    if (this.report) area.innerHTML = inert(textarea.dataset.html || '');
    else area.innerHTML = /<[a-z][^>]*>/i.test(value) ? inert(value) : paragraphs(value);
    this.area = area;
    if (this.report && this.form && !this.form.querySelector('input[name="edited_as"]')) {
      var marker = document.createElement('input');
      marker.type = 'hidden';
      marker.name = 'edited_as';
      marker.value = 'html';
      this.form.appendChild(marker);
    }

    var first = true;
    BUTTONS.forEach(function (b) {
      if (b[3] && !textarea.dataset[b[3]]) return;
      if (self.report && NOT_IN_REPORTS.indexOf(b[0]) >= 0) return;
      var button = document.createElement('button');
      button.type = 'button';
      button.textContent = b[0];
      button.title = b[1];
      button.tabIndex = first ? 0 : -1;
      first = false;
      // Keep the selection in the area when the button is pressed with the mouse.
      button.addEventListener('mousedown', function (e) { e.preventDefault(); });
      button.addEventListener('click', function () { b[2](self); });
      toolbar.appendChild(button);
    });
    toolbar.addEventListener('keydown', function (e) { self.moveFocus(e); });

    this.status = document.createElement('p');
    this.status.className = 'editor-status';
    this.status.setAttribute('role', 'status');
    this.previewBox = document.createElement('section');
    this.previewBox.className = 'editor-preview';
    this.previewBox.hidden = true;

    box.appendChild(toolbar);
    box.appendChild(area);
    box.appendChild(this.status);
    box.appendChild(this.previewBox);
    textarea.hidden = true;
    textarea.parentNode.insertBefore(box, textarea.nextSibling);

    area.addEventListener('input', function () { self.sync(); });
    area.addEventListener('paste', function (e) { self.paste(e); });
    document.addEventListener('selectionchange', function () { self.remember(); });
    if (this.form) this.form.addEventListener('submit', function () { self.sync(); });
  }

  Editor.prototype.sync = function () {
    var html = this.area.innerHTML;
    this.textarea.value = /^(\s|<p>(<br>)?<\/p>|<br>)*$/.test(html) ? '' : html;
  };

  Editor.prototype.remember = function () {
    var sel = window.getSelection();
    if (sel.rangeCount && this.area.contains(sel.getRangeAt(0).commonAncestorContainer)) {
      this.range = sel.getRangeAt(0).cloneRange();
    }
  };

  Editor.prototype.restore = function () {
    this.area.focus();
    if (this.range) {
      var sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(this.range);
    }
  };

  Editor.prototype.command = function (name, arg) {
    this.restore();
    // Chromium puts the caret at the start of a paragraph it makes a list item: it goes back to
    // where the clerk was typing (the words are the same, so its place among them is too).
    var keep = /List$/.test(name) && window.getSelection().isCollapsed ? this.caretOffset() : null;
    document.execCommand(name, false, arg);
    this.tidy();
    if (keep !== null && this.caretOffset() !== keep) this.placeCaret(keep);
    this.sync();
  };

  // How many characters of the area come before the caret.
  Editor.prototype.caretOffset = function () {
    var sel = window.getSelection();
    if (!sel.rangeCount || !this.area.contains(sel.getRangeAt(0).endContainer)) return null;
    var before = document.createRange();
    before.selectNodeContents(this.area);
    before.setEnd(sel.getRangeAt(0).endContainer, sel.getRangeAt(0).endOffset);
    return before.toString().length;
  };

  Editor.prototype.placeCaret = function (offset) {
    var walker = document.createTreeWalker(this.area, NodeFilter.SHOW_TEXT);
    var node;
    var left = offset;
    while ((node = walker.nextNode())) {
      if (left <= node.length) {
        var range = document.createRange();
        range.setStart(node, left);
        range.collapse(true);
        var sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
        this.range = range.cloneRange();
        return;
      }
      left -= node.length;
    }
  };

  Editor.prototype.block = function (tag) { this.command('formatBlock', '<' + tag + '>'); };

  Editor.prototype.insert = function (html) { this.command('insertHTML', html); };

  Editor.prototype.say = function (text) { this.status.textContent = text; };

  // The block of the area (a direct child) holding the caret, if any.
  Editor.prototype.caretBlock = function () {
    var node = this.range && this.range.startContainer;
    if (node === this.area) return this.area.childNodes[this.range.startOffset - 1] || null;
    while (node && node !== this.area && node.parentNode !== this.area) node = node.parentNode;
    return node && node !== this.area && this.area.contains(node) ? node : null;
  };

  // A table is a block of its own, put after the block holding the caret (a paragraph, a list)
  // with the DOM rather than the browser's insertHTML, which inside a list or paragraph splits
  // it and leaves the header row outside the table; the caret goes to the first header cell.
  Editor.prototype.table = function () {
    var rows = parseInt(window.prompt('表格有几行（含表头）？', '3'), 10);
    if (!rows) return;
    var cols = parseInt(window.prompt('表格有几列？', '3'), 10);
    if (!cols) return;
    rows = Math.min(rows, 50);
    cols = Math.min(cols, 12);
    var table = document.createElement('table');
    var head = table.appendChild(document.createElement('thead')).appendChild(document.createElement('tr'));
    var body = table.appendChild(document.createElement('tbody'));
    for (var c = 0; c < cols; c++) head.appendChild(document.createElement('th')).textContent = '表头' + (c + 1);
    for (var r = 1; r < rows; r++) {
      var tr = body.appendChild(document.createElement('tr'));
      for (c = 0; c < cols; c++) tr.appendChild(document.createElement('td')).innerHTML = '<br>';
    }
    this.restore();
    var block = this.caretBlock();
    if (block) {
      this.area.insertBefore(table, block.nextSibling);
      var blank = block.nodeName === 'P' && !block.textContent.trim() && !block.querySelector('img');
      if (blank) block.remove();
    } else {
      this.area.appendChild(table);
    }
    var after = document.createElement('p');
    after.innerHTML = '<br>';
    this.area.insertBefore(after, table.nextSibling);
    var range = document.createRange();
    range.selectNodeContents(table.querySelector('th'));
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    this.range = range.cloneRange();
    this.sync();
    this.say('已插入' + rows + '行' + cols + '列的表格，光标在第一个表头格。');
  };

  // Lists and tables are blocks of their own: a browser's list command may leave one inside a
  // paragraph (<p><ul>…), which no page shows as written. Such a block is lifted out after its
  // paragraph, and a paragraph left empty goes.
  // Moving a node drops the caret to the start of the area, so where it was is put back.
  Editor.prototype.tidy = function () {
    var sel = window.getSelection();
    var at = sel.rangeCount ? sel.getRangeAt(0) : null;
    var caret = at && [at.startContainer, at.startOffset, at.endContainer, at.endOffset];
    var moved = false;
    this.area.querySelectorAll('p > ul, p > ol, p > table').forEach(function (block) {
      var p = block.parentNode;
      p.parentNode.insertBefore(block, p.nextSibling);
      if (!p.textContent.trim() && !p.querySelector('img')) p.remove();
      moved = true;
    });
    if (moved && caret && this.area.contains(caret[0]) && this.area.contains(caret[2])) {
      var range = document.createRange();
      range.setStart(caret[0], caret[1]);
      range.setEnd(caret[2], caret[3]);
      sel.removeAllRanges();
      sel.addRange(range);
      this.range = range.cloneRange();
    }
  };

  Editor.prototype.addRow = function () {
    this.restore();
    var node = this.range && this.range.startContainer;
    while (node && node !== this.area && node.nodeName !== 'TR') node = node.parentNode;
    if (!node || node === this.area) {
      this.say('请先把光标放在表格中要加行的位置。');
      return;
    }
    var row = document.createElement('tr');
    for (var i = 0; i < node.children.length; i++) row.appendChild(document.createElement('td')).innerHTML = '<br>';
    var body = node.parentNode.nodeName === 'THEAD' ? node.parentNode.parentNode.querySelector('tbody') : null;
    if (body) body.insertBefore(row, body.firstChild); else node.parentNode.insertBefore(row, node.nextSibling);
    this.sync();
    this.say('已加一行。');
  };

  Editor.prototype.link = function () {
    var url = window.prompt('链接地址（以 http:// 或 https:// 开头，本站页面可写 / 开头的地址）', 'https://');
    if (!url || url === 'https://') return;
    // Not "//…" nor a backslash: browsers read "/\\evil.example" as another site.
    if (!/^(https?:\/\/|\/(?![\/\\]))/.test(url) || /[\\\s"<>]/.test(url)) {
      this.say('链接地址要以 http://、https:// 或 / 开头，未添加链接。');
      return;
    }
    if (this.range && !this.range.collapsed) this.command('createLink', url);
    else this.insert('<a href="' + escapeText(url).replace(/"/g, '&quot;') + '">' + escapeText(url) + '</a>');
  };

  Editor.prototype.post = function (url, body) {
    var headers = { 'X-CSRF-Token': this.csrf ? this.csrf.value : '' };
    if (!(body instanceof FormData)) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams({ body: body }).toString();
    }
    return fetch(url, { method: 'POST', headers: headers, body: body, credentials: 'same-origin' }).then(function (res) {
      if (res.ok) return res;
      return res.text().then(function (page) {
        var doc = new DOMParser().parseFromString(page, 'text/html');
        var message = doc.querySelector('[role="alert"], main p');
        throw new Error(message ? message.textContent.trim() : '服务器没有完成（' + res.status + '）。');
      });
    });
  };

  Editor.prototype.clean = function (html) {
    var url = this.textarea.dataset.preview;
    return this.post(url + (url.indexOf('?') < 0 ? '?' : '&') + 'fragment=1', html).then(function (res) { return res.text(); });
  };

  // Uploads one picture as an attachment of the item and gives its address.
  Editor.prototype.upload = function (file) {
    var data = new FormData();
    data.append('file', file, file.name || 'picture.png');
    return this.post(this.textarea.dataset.pictures, data).then(function (res) { return res.json(); });
  };

  Editor.prototype.insertPicture = function (file, alt) {
    var self = this;
    self.say('正在上传图片“' + (file.name || '图片') + '”……');
    return self.upload(file).then(function (pic) {
      self.insert('<p><img src="' + pic.src + '" alt="' + escapeText(alt || '').replace(/"/g, '&quot;') + '"></p>');
      self.say('已插入图片“' + pic.name + '”，并作为附件保存。');
    }, function (e) { self.say('图片未能上传：' + e.message); });
  };

  Editor.prototype.picture = function () {
    var self = this;
    if (!this.textarea.dataset.pictures) return;
    var input = document.createElement('input');
    input.type = 'file';
    input.accept = 'image/png,image/jpeg';
    input.hidden = true;
    input.addEventListener('change', function () {
      var file = input.files[0];
      input.remove();
      if (!file) return;
      var alt = window.prompt('图片说明（供读屏软件朗读，如“村务公开栏照片”）', '') || '';
      self.insertPicture(file, alt);
    });
    document.body.appendChild(input);
    input.click();
  };

  // Pasted text keeps its structure and loses its styling: Word's and WPS's HTML goes to the
  // server's cleaner first; pictures in it that are files on the clerk's disk cannot travel
  // with the HTML, so the clerk is told to insert them; pictures carried in the clipboard itself
  // are uploaded.
  Editor.prototype.paste = function (e) {
    var data = e.clipboardData;
    if (!data) return;
    var self = this;
    var html = data.getData('text/html');
    var text = data.getData('text/plain');
    var files = Array.prototype.filter.call(data.files || [], function (f) { return /^image\/(png|jpeg)$/.test(f.type); });
    e.preventDefault();
    this.remember();
    if (!html && files.length && this.textarea.dataset.pictures) {
      files.reduce(function (p, f) { return p.then(function () { return self.insertPicture(f, ''); }); }, Promise.resolve());
      return;
    }
    if (!html) {
      this.insert(paragraphs(text));
      return;
    }
    var local = /<img[^>]+src=["']?file:|<v:imagedata/i.test(html);
    var dropped = this.report && /<table|<img|<v:imagedata/i.test(html);
    var embedded = [];
    var doc = new DOMParser().parseFromString(html, 'text/html');
    doc.querySelectorAll('img[src^="data:image/"]').forEach(function (img, i) { embedded.push([img, i]); });
    var uploads = embedded.map(function (pair) {
      var img = pair[0];
      if (!self.textarea.dataset.pictures) { img.remove(); return Promise.resolve(); }
      // Decoded here: the page's policy lets it fetch only from this site.
      var parts = /^data:(image\/(?:png|jpeg));base64,(.*)$/.exec(img.getAttribute('src').replace(/\s/g, ''));
      if (!parts) { img.remove(); return Promise.resolve(); }
      var raw = atob(parts[2]);
      var bytes = new Uint8Array(raw.length);
      for (var k = 0; k < raw.length; k++) bytes[k] = raw.charCodeAt(k);
      var name = '粘贴的图片' + (pair[1] + 1) + (parts[1] === 'image/png' ? '.png' : '.jpg');
      return self.upload(new File([bytes], name, { type: parts[1] }))
        .then(function (pic) { img.setAttribute('src', pic.src); }, function () { img.remove(); });
    });
    this.say('正在整理粘贴的内容……');
    Promise.all(uploads).then(function () {
      return self.clean(embedded.length ? doc.documentElement.outerHTML : html);
    }).then(function (cleaned) {
      self.insert(cleaned);
      self.say(dropped
        ? '已粘贴文字、段落和列表，并去掉了原来的字体和颜色。年度报告正文不放表格和图片：表格已按行改为文字（各格之间空一格），图片未带入。'
        : local
          ? '已粘贴文字、段落、列表和表格，并去掉了原来的字体和颜色。原文中的图片在您的电脑上，无法随文字带入，请用“插入图片”按钮上传。'
          : '已粘贴，并去掉了原来的字体和颜色。');
    }, function (err) { self.say('粘贴未完成：' + err.message); });
  };

  Editor.prototype.preview = function () {
    var self = this;
    this.sync();
    if (!this.previewBox.hidden) {
      this.previewBox.hidden = true;
      return;
    }
    this.clean(this.textarea.value).then(function (html) {
      self.previewBox.innerHTML = '<h3>预览（门户显示效果）</h3><div class="item-body"></div>';
      self.previewBox.lastChild.innerHTML = html || '<p>（正文为空）</p>';
      self.previewBox.hidden = false;
      self.say('预览已显示在编辑区下方；再按一次“预览”可收起。');
    }, function (err) { self.say('预览未完成：' + err.message); });
  };

  // The toolbar is one tab stop; the arrow keys move between its buttons.
  Editor.prototype.moveFocus = function (e) {
    var buttons = Array.prototype.slice.call(e.currentTarget.querySelectorAll('button'));
    var i = buttons.indexOf(document.activeElement);
    var next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: buttons.length - 1 }[e.key];
    if (next === undefined || i < 0) return;
    e.preventDefault();
    next = (next + buttons.length) % buttons.length;
    buttons[i].tabIndex = -1;
    buttons[next].tabIndex = 0;
    buttons[next].focus();
  };

  function start() {
    document.execCommand('defaultParagraphSeparator', false, 'p');
    document.querySelectorAll('textarea[data-editor]').forEach(function (t) { return new Editor(t); });
    // The form's own 预览 button (for browsers without JavaScript) becomes the editor's.
    document.querySelectorAll('button[data-preview-page]').forEach(function (b) { b.remove(); });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
