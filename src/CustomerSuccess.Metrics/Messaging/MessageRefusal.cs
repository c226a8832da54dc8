using CustomerSuccess.Metrics.Recording;

namespace CustomerSuccess.Metrics.Messaging;

/// <summary>
/// Why a message was refused, as the HTTP door would have answered it: the status (400 for a body that does not read,
/// 409 for a conflict with what is recorded, 422 for a broken business rule), the rule (the field at fault, without
/// the event's position), the field's path and what is wrong.
/// </summary>
public sealed record MessageRefusal(int Status, string Rule, string Field, string Detail, string? EventId)
{
    /// <summary>A body that does not read: every error found, the first path named.</summary>
    public static MessageRefusal Invalid(ParsedBatch parsed)
    {
        var (path, _) = parsed.Errors.First();
        var detail = string.Join("; ", parsed.Errors.SelectMany(e => e.Value.Select(message => e.Key.Length == 0 ? message : $"{e.Key}: {message}")));
        return new MessageRefusal(400, RuleOf(path), path, detail, null);
    }

    /// <summary>A batch the decider refused as a whole, naming the event at fault by its position when the body was a batch.</summary>
    public static MessageRefusal Refused(Refusal refusal, ParsedBatch parsed, bool isBatch)
    {
        var index = parsed.Events.Select(e => e.EventId).ToList().IndexOf(refusal.EventId);
        return new MessageRefusal(
            refusal.Kind == RefusalKind.Conflict ? 409 : 422, refusal.Field, isBatch ? $"[{index}].{refusal.Field}" : refusal.Field,
            refusal.Detail, refusal.EventId);
    }

    /// <summary>The field a path names, without the event's position in a batch: <c>[3].customer.segment</c> is <c>customer.segment</c>; the body as a whole is <c>body</c>.</summary>
    public static string RuleOf(string path)
    {
        var field = path.StartsWith('[') ? path[(path.IndexOf(']') + 1)..].TrimStart('.') : path;
        return field.Length == 0 ? "body" : field;
    }
}
