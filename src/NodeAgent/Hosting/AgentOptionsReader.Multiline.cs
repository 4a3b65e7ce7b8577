using NodeAgent.Parsing.Multiline;
using NodeAgent.Tailing;

namespace NodeAgent.Hosting;

/// <summary>How lines are joined into multiline messages: <c>Logs:Multiline</c>, <c>Logs:MultilineRules</c>,
/// <c>Logs:MultilineFlushTimeout</c>.</summary>
internal sealed partial class AgentOptionsReader
{
    private LogsOptions WithMultiline(LogsOptions logs)
    {
        var rules = new Dictionary<string, MultilineRule>(StringComparer.OrdinalIgnoreCase);
        var patterns = new Dictionary<string, (string?, string?)>(StringComparer.OrdinalIgnoreCase);
        foreach (var child in _config.GetSection("Logs:MultilineRules").GetChildren())
        {
            var (start, next) = (child["Start"], child["Continue"]);
            try
            {
                rules[child.Key] = MultilineRule.Custom(child.Key, start, next);
                patterns[child.Key] = (start, next);
            }
            catch (ArgumentException e)
            {
                Error($"Logs:MultilineRules:{child.Key}", e.Message);
            }
        }

        if (!MultilineRule.TryResolve(Text("Logs:Multiline") ?? MultilineRule.AutoName, rules, out var rule, out var problem))
        {
            Error("Logs:Multiline", problem);
            rule = MultilineRule.Auto;
        }

        return logs with
        {
            Multiline = rule,
            MultilineRules = rules,
            MultilinePatterns = patterns,
            MultilineFlushTimeout = Duration("Logs:MultilineFlushTimeout"),
        };
    }
}
