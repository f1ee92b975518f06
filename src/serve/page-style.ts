import { COMPARE_CHART_CSS } from '../report/compare-style.js';

/** The dashboard's stylesheet (inline in the page). */
export const DASHBOARD_CSS = `
*{box-sizing:border-box}body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d232a;background:#f6f8fa}
header{background:#1d232a;color:#fff;padding:10px 20px;display:flex;gap:16px;align-items:center}
header h1{font-size:18px;margin:0}#live{font-size:12px}#live.on::before{content:"● ";color:#3fb950}#live.off::before{content:"● ";color:#f85149}
main{padding:16px 20px;display:grid;gap:16px;grid-template-columns:1fr 1fr}section{background:#fff;border:1px solid #d8dee4;border-radius:8px;padding:12px 14px}
section.wide{grid-column:1/-1}h2{font-size:15px;margin:0 0 10px}
.programmers{display:flex;flex-wrap:wrap;gap:12px}.programmer{border:1px solid #d8dee4;border-radius:6px;padding:8px}
.programmer h3{font-size:13px;margin:0 0 6px}.programmer h3 small{color:#57606a;font-weight:normal}
.sites{display:grid;grid-template-columns:repeat(4,92px);gap:6px}
.site{border:3px solid #d0d7de;border-radius:6px;padding:4px 6px;font-size:11px;background:#fff;min-height:64px;transition:background .4s}
.site b{font-size:12px}.site.pass{background:#dafbe1}.site.fail{background:#ffebe9}.site.disabled{background:#eaeef2;color:#8c959f}
.site.noadapter{border-style:dashed}.site.life-ok{border-color:#2da44e}.site.life-low{border-color:#d4a72c}.site.life-out{border-color:#cf222e}
.site.flash{box-shadow:0 0 0 3px #0969da}.site .yield{color:#57606a}.site.low .yield{color:#cf222e}
.badge{background:#cf222e;color:#fff;border-radius:3px;padding:0 3px;font-size:10px}
table{border-collapse:collapse;width:100%;font-size:12.5px}th,td{border-bottom:1px solid #eaeef2;padding:3px 6px;text-align:left}
th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums}
#alarms{list-style:none;padding:0;margin:0;max-height:220px;overflow:auto;font-size:12.5px}#alarms li{padding:3px 0;border-bottom:1px solid #eaeef2}
#alarms li.alarm{color:#cf222e}.legend{font-size:11px;color:#57606a;margin-top:8px}
form{display:flex;flex-wrap:wrap;gap:8px;align-items:end}label{display:flex;flex-direction:column;font-size:12px;color:#57606a}
input,select,button{font:inherit;padding:3px 6px}#plan-out{margin-top:10px;font-size:13px}#plan-out .bad{color:#cf222e}#plan-out .good{color:#1a7f37}
#compare-out{margin-top:10px;font-size:13px}#compare-out .decisive{font-weight:600}#compare-out table{width:auto}${COMPARE_CHART_CSS}`;
