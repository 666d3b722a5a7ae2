using System.Net;
using System.Text;
using MigAudit.Core;

namespace MigAudit.Reporting;

/// <summary>
/// The findings of one report, one collapsible group per rule and severity (a rule that fires on 26 deleted files is one
/// line until opened), with severity checkboxes and a rule selector. The filter is a small inline script; without it every
/// group is shown and the controls stay hidden, so the page never depends on the script.
/// </summary>
internal static class HtmlFindings
{
    public static void Render(StringBuilder html, AuditResult result, string? docsBaseUrl, string idPrefix)
    {
        var groups = result.Findings.GroupBy(f => (f.Rule, f.Severity))
            .OrderByDescending(g => g.Count(f => f.Blocking)).ThenByDescending(g => g.Key.Severity).ThenByDescending(g => g.Count()).ThenBy(g => g.Key.Rule, StringComparer.Ordinal)
            .ToList();
        html.Append($"<h2>Findings</h2>\n<p id=\"{idPrefix}findings-summary\">{result.Findings.Count} finding{Plural(result.Findings.Count)} in {groups.Count} group{Plural(groups.Count)} (rule and severity)</p>\n");
        if (groups.Count == 0)
        {
            html.Append($"<div id=\"{idPrefix}findings\"></div>\n");
            return;
        }

        Filters(html, groups.Select(g => g.Key.Rule).Distinct().Order(StringComparer.Ordinal), groups.Select(g => g.Key.Severity).Distinct().OrderDescending(), idPrefix);
        html.Append($"<div id=\"{idPrefix}findings\" class=\"findings\">\n");
        foreach (var group in groups)
        {
            var severity = group.Key.Severity.ToId();
            var blocking = group.Count(f => f.Blocking);
            // A group of one is open: its single row is the whole story.
            html.Append($"<details class=\"group\" data-severity=\"{severity}\" data-rule=\"{E(group.Key.Rule)}\"{(group.Count() == 1 ? " open" : string.Empty)}>")
                .Append($"<summary><span class=\"{severity}\">{severity}</span> <a href=\"{E(RuleDocs.Url(group.Key.Rule, docsBaseUrl))}\">{E(group.Key.Rule)}</a>")
                .Append($" · <span class=\"count\">{group.Count()}</span> finding{Plural(group.Count())}{(blocking == 0 ? string.Empty : $" · <span class=\"blocking\">{blocking}</span> blocking")}</summary>\n")
                .Append("<table><tbody>\n");
            foreach (var finding in group.OrderByDescending(f => f.Blocking))
            {
                html.Append($"<tr><td class=\"{severity}\">{severity}{(finding.Blocking ? " · blocking" : string.Empty)}</td>")
                    .Append($"<td><code>{E(finding.File ?? string.Empty)}{(finding.Line is null ? string.Empty : ":" + finding.Line)}</code></td>")
                    .Append($"<td>{E(finding.Message)}{(finding.Action is null ? string.Empty : $"<br><i>Fix: {E(finding.Action)}</i>")}</td></tr>\n");
            }

            html.Append("</tbody></table></details>\n");
        }

        html.Append("</div>\n");
    }

    private static void Filters(StringBuilder html, IEnumerable<string> rules, IEnumerable<Severity> severities, string idPrefix)
    {
        // Hidden until the script runs: without it, the controls would do nothing.
        html.Append($"<form class=\"filters\" id=\"{idPrefix}filters\" data-for=\"{idPrefix}findings\" hidden>Show: ");
        foreach (var severity in severities)
        {
            var id = severity.ToId();
            html.Append($"<label><input type=\"checkbox\" name=\"severity\" value=\"{id}\" checked> {id}</label> ");
        }

        html.Append("<label>rule <select name=\"rule\"><option value=\"\">all rules</option>");
        foreach (var rule in rules)
        {
            html.Append($"<option value=\"{E(rule)}\">{E(rule)}</option>");
        }

        html.Append("</select></label> <span class=\"shown\"></span></form>\n");
    }

    /// <summary>
    /// Once per page. The hash (#severity=high,medium&amp;rule=missing-down) sets the filter, so a filtered view can be linked,
    /// and every change writes it back. Only textContent, hidden and checked are set: no markup is built from the data.
    /// </summary>
    public const string Script = """
        <script>
        (function () {
          var forms = document.querySelectorAll('form.filters');
          function fromHash() {
            var p = new URLSearchParams(location.hash.slice(1));
            forms.forEach(function (f) {
              if (p.has('severity')) {
                var wanted = p.get('severity').split(',');
                f.querySelectorAll('input[name=severity]').forEach(function (c) { c.checked = wanted.indexOf(c.value) >= 0; });
              }
              if (p.has('rule')) {
                var s = f.querySelector('select[name=rule]');
                s.value = p.get('rule');
                if (s.value !== p.get('rule')) { s.value = ''; }
              }
            });
          }
          function apply(f) {
            var sev = Array.prototype.filter.call(f.querySelectorAll('input[name=severity]'), function (c) { return c.checked; }).map(function (c) { return c.value; });
            var rule = f.querySelector('select[name=rule]').value;
            var groups = document.getElementById(f.dataset.for).querySelectorAll('details.group');
            var shown = 0, rows = 0, all = 0;
            groups.forEach(function (g) {
              var n = g.querySelectorAll('tr').length;
              all += n;
              g.hidden = sev.indexOf(g.dataset.severity) < 0 || (rule !== '' && g.dataset.rule !== rule);
              if (!g.hidden) { shown++; rows += n; }
            });
            f.querySelector('.shown').textContent = 'showing ' + shown + ' of ' + groups.length + ' groups, ' + rows + ' of ' + all + ' findings';
          }
          function toHash(f) {
            var sev = Array.prototype.filter.call(f.querySelectorAll('input[name=severity]'), function (c) { return c.checked; }).map(function (c) { return c.value; });
            // Commas kept readable (URLSearchParams would write %2C); the rule id is encoded.
            var rule = f.querySelector('select[name=rule]').value;
            history.replaceState(null, '', '#severity=' + sev.join(',') + (rule === '' ? '' : '&rule=' + encodeURIComponent(rule)));
          }
          fromHash();
          forms.forEach(function (f) {
            f.hidden = false;
            f.addEventListener('change', function () { apply(f); toHash(f); });
            apply(f);
          });
          window.addEventListener('hashchange', function () { fromHash(); forms.forEach(apply); });
        })();
        </script>

        """;

    private static string Plural(int count) => count == 1 ? string.Empty : "s";

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
