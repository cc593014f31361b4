// Building the DOM. Strings always become text nodes or attribute values, never markup: scenario
// names, message bodies and error texts come from results and must show as written.

/** h('div', { class: 'x', dataset: { a: 1 }, onclick: fn }, 'text', child, [more]) */
function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'dataset') for (const [k, v] of Object.entries(value)) el.dataset[k] = String(v);
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

function badge(status) {
  return h('span', { class: `badge ${status}`, title: STATUS_WORDS[status] }, STATUS_BADGES[status]);
}

/** A coloured key for a chart legend. */
function swatch(color, hollow) {
  const el = h('span', { class: 'swatch' });
  el.style.borderColor = color;
  el.style.background = hollow ? '#fff' : color;
  return el;
}
