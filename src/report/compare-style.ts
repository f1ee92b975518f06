/** CSS of the comparison's charts, shared by the HTML comparison and the dashboard's plan form. */
export const COMPARE_CHART_CSS = `
.chart text{font-size:11px;fill:#3d444d}.chart .grid{stroke:#eaeef2}.chart .legend{fill:#57606a}
.chart path.offline{stroke:#0969da;stroke-width:2.5;fill:none}.chart path.in-system{stroke:#bc4c00;stroke-width:2.5;fill:none}
.chart text.offline{fill:#0969da;font-weight:600}.chart text.in-system{fill:#bc4c00;font-weight:600}
.chart rect.offline{fill:#0969da}.chart rect.in-system{fill:#bc4c00}.chart .misses rect{opacity:.55}
.chart line.order{stroke:#57606a;stroke-dasharray:4 4}.chart line.due{stroke:#cf222e;stroke-width:2}.chart text.due{fill:#cf222e}
.chart .break-even circle{fill:#fff;stroke:#1d232a;stroke-width:2}.chart text.on-bar{fill:#fff;font-weight:600}`;

/** A chart SVG made self-standing (its styles and a white background inside), for a file or an <img>. */
export function standaloneSvg(svg: string): string {
  const open = svg.indexOf('>') + 1;
  return `${svg.slice(0, open)}<style>${COMPARE_CHART_CSS}\ntext{font-family:system-ui,-apple-system,"Segoe UI",sans-serif}</style><rect width="100%" height="100%" fill="#fff"/>${svg.slice(open)}\n`;
}
