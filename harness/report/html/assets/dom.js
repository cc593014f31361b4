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

/** Longer texts are cut on the page, whole in the tooltip: a 1 MB scenario name must not make the page kilometres tall. */
const MAX_SHOWN = 300;

/** `text` cut to `max` characters with an ellipsis, never inside a surrogate pair. */
function clip(text, max = MAX_SHOWN) {
  text = String(text);
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text[max - 2]) ? max - 2 : max - 1;
  return `${text.slice(0, end)}…`;
}

/** An element holding `text`, cut when long, with the whole text on hover. */
function longText(tag, props, text, max = MAX_SHOWN) {
  text = String(text);
  return h(tag, { ...props, title: text.length > max ? text : props.title }, clip(text, max));
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
