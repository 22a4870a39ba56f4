// A group's colour as a small square: drawn with an SVG fill, so no inline style is needed under the CSP.
const SVG = "http://www.w3.org/2000/svg";

/** @param {string | null} color */
export function swatch(color) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "swatch");
  svg.setAttribute("viewBox", "0 0 10 10");
  svg.setAttribute("aria-hidden", "true");
  const rect = document.createElementNS(SVG, "rect");
  rect.setAttribute("width", "10");
  rect.setAttribute("height", "10");
  rect.setAttribute("rx", "2");
  rect.setAttribute("fill", color && /^#[0-9a-fA-F]{6}$/.test(color) ? color : "#9aa3af");
  svg.append(rect);
  return svg;
}
