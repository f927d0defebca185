//! The click&collect desk's own style and script (the staff orders page,
//! `routes/staff.rs`). Both are constants so the Content-Security-Policy
//! names them by hash ([`super::page::content_security_policy`]).
//!
//! The page works without the script: every action is a form, a reload
//! shows new orders. The script only fetches the list again every few
//! seconds (`?partial=1`, the same filter) and adds the orders that
//! appeared, announcing them in the page's live region; it replaces an
//! order whose status changed elsewhere unless the member of staff is
//! working in it (the focus, an open cancel form), so nothing moves under
//! their hand. When the answer is not the list (the session ended), the
//! page stays as it is.

/// Wider than the phone pages (a counter's screen or tablet); numbers and
/// dates never wrap; one bordered card per order.
pub const DESK_STYLE: &str = "body{max-width:960px}header{display:flex;flex-wrap:wrap;gap:8px 24px;align-items:center}\
.filters a{display:inline-block;margin:4px 12px 4px 0;padding:8px 0}.filters a[aria-current]{font-weight:bold}\
.order{border:2px solid #555;border-radius:8px;padding:8px 16px;margin:16px 0}.order h2{margin:.2em 0;font-size:1.25em}\
.num,.when{white-space:nowrap}.meta{margin:.2em 0}.lines{list-style:none;padding:0;margin:0}\
.lines li{display:flex;gap:12px;align-items:center;padding:6px 0;border-bottom:1px solid #ccc}\
.qty{font-weight:bold;white-space:nowrap;min-width:3em}.pic{flex:none;width:56px;height:56px;border-radius:4px;background:#eee;overflow:hidden}\
.pic img{width:100%;height:100%;object-fit:cover}.actions{display:flex;flex-wrap:wrap;gap:8px;align-items:flex-start;margin-top:8px}\
.actions form{display:inline}details{margin:4px 0}summary{min-height:48px;padding:12px 0;cursor:pointer}\
select{font-size:1em;min-height:48px;display:block;margin:4px 0 12px}.status{font-weight:bold}";

/// Fetches the list again every 5 s and merges it (see the module's
/// documentation).
pub const DESK_SCRIPT: &str = r#"
(function() {
  var box = document.getElementById('orders');
  var live = document.getElementById('live');
  if (!box || !live || !window.fetch) return;
  var src = box.getAttribute('data-src');
  function busy(el) {
    return el.contains(document.activeElement) || el.querySelector('details[open]');
  }
  async function tick() {
    var r;
    try { r = await fetch(src, {credentials: 'same-origin', headers: {'Accept': 'text/html'}}); } catch (_) { return; }
    if (!r.ok || r.redirected) return;
    var t = document.createElement('template');
    t.innerHTML = await r.text();
    // Not the list (the session ended: the login page): leave the page as it is.
    if (!t.content.querySelector('article[data-order], .none')) return;
    var fresh = Array.prototype.slice.call(t.content.querySelectorAll('article[data-order]'));
    var ids = {};
    var news = [];
    fresh.forEach(function(a) { ids[a.id] = true; });
    fresh.forEach(function(a, i) {
      var old = document.getElementById(a.id);
      if (!old) {
        var next = null;
        for (var j = i + 1; j < fresh.length && !next; j++) next = document.getElementById(fresh[j].id);
        if (next) box.insertBefore(a, next); else box.appendChild(a);
        news.push(a.getAttribute('data-announce'));
      } else if (old.getAttribute('data-status') !== a.getAttribute('data-status') && !busy(old)) {
        old.replaceWith(a);
      }
    });
    Array.prototype.slice.call(box.querySelectorAll('article[data-order]')).forEach(function(a) {
      if (!ids[a.id] && !busy(a)) a.remove();
    });
    var none = box.querySelector('.none');
    if (none && box.querySelector('article[data-order]')) none.remove();
    if (news.length) live.textContent = news.join('. ');
  }
  setInterval(tick, 5000);
})();
"#;
