// Keyboard shortcuts of the request lists, as the page's "Keyboard shortcuts" section
// lists them: j / k move between rows, x ticks the current row, o or Enter opens it,
// / goes to the search box, a and s to the bulk change's "Assign to" and "Move to".
// Keys typed into a field are the field's: nothing happens then. Without this script the
// page works the same with the mouse and Tab.
(function () {
  'use strict';

  var table = document.querySelector('table.requests');
  var rows = table && table.tBodies[0] ? Array.prototype.slice.call(table.tBodies[0].rows) : [];
  var current = -1;

  function inField(element) {
    if (!element || !element.tagName) return false;
    var tag = element.tagName.toLowerCase();
    return tag === 'input' || tag === 'select' || tag === 'textarea' || element.isContentEditable;
  }

  // Makes row i the current one: marked, focused (so that screen readers read it) and
  // scrolled into view.
  function go(i) {
    if (rows.length === 0) return;
    i = Math.max(0, Math.min(rows.length - 1, i));
    if (current >= 0 && rows[current]) rows[current].classList.remove('current');
    current = i;
    var row = rows[current];
    row.classList.add('current');
    row.setAttribute('tabindex', '-1');
    row.focus();
  }

  function currentRow() {
    return current >= 0 ? rows[current] : null;
  }

  function focusField(selector) {
    var field = document.querySelector(selector);
    if (field) field.focus();
    return Boolean(field);
  }

  document.addEventListener('keydown', function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (inField(event.target)) return;
    var row = currentRow();
    var handled = true;
    switch (event.key) {
      case 'j':
        go(current + 1);
        break;
      case 'k':
        go(current < 0 ? 0 : current - 1);
        break;
      case 'x':
        if (row) {
          var tick = row.querySelector('input[type=checkbox]');
          if (tick) tick.checked = !tick.checked;
        } else {
          handled = false;
        }
        break;
      case 'o':
      case 'Enter':
        // Enter on a link or a button is theirs; on the current row it opens the request.
        if (row && (event.key === 'o' || document.activeElement === row)) {
          var link = row.querySelector('a[href^="/requests/"]');
          if (link) window.location.assign(link.href);
        } else {
          handled = false;
        }
        break;
      case '/':
        handled = focusField('#list-search');
        break;
      case 'a':
        handled = focusField('#bulk-assignee');
        break;
      case 's':
        handled = focusField('#bulk-status');
        break;
      default:
        handled = false;
    }
    if (handled) event.preventDefault();
  });
})();
