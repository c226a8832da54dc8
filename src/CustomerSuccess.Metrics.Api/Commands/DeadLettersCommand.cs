using System.Text;
using CustomerSuccess.Metrics.Api.Endpoints;
using CustomerSuccess.Metrics.Messaging;
using JasperFx.CommandLine;
using Marten;
using NodaTime;
using NodaTime.Text;

namespace CustomerSuccess.Metrics.Api.Commands;

/// <summary>The actions, named in lower case as they are typed on the command line.</summary>
public enum DeadLettersAction
{
    list,
    replay,
    discard,
}

public sealed class DeadLettersInput : NetCoreInput
{
    [Description("list the waiting dead letters, replay one (record it now) or discard one (set it aside for good)")]
    public DeadLettersAction Action { get; set; } = DeadLettersAction.list;

    [Description("The id of the dead letter to replay or discard, as list prints it")]
    public string Id { get; set; } = "";

    [Description("list: how many to print, 1 to 10,000 (default 1,000)")]
    [FlagAlias("limit", true)]
    public int LimitFlag { get; set; } = FigureRequest.DefaultLimit;

    [Description("list: how many to skip first (default 0)")]
    [FlagAlias("offset", true)]
    public int OffsetFlag { get; set; }
}

/// <summary>
/// The dead letters from the operator's command line, as <c>/api/v1/dead-letters</c> serves them: list the waiting ones,
/// replay one (recorded now, by the same replay as <c>POST .../{id}/replay</c>) or discard one. Runs against the
/// configured database without starting the host: nothing is listened to or published meanwhile. Exits with 1 when
/// the dead letter is refused again, is not waiting, or the arguments do not read.
/// </summary>
[Description("List, replay or discard the messages from the bus that were refused (dead letters)", Name = "dead-letters")]
public sealed class DeadLettersCommand : JasperFxAsyncCommand<DeadLettersInput>
{
    /// <summary>How much of a body a listed dead letter shows.</summary>
    private const int BodyWidth = 120;

    public DeadLettersCommand()
    {
        Usage("List the dead letters waiting to be replayed or discarded, first refused first").Arguments(x => x.Action);
        Usage("Replay or discard one dead letter").Arguments(x => x.Action, x => x.Id);
    }

    public override async Task<bool> Execute(DeadLettersInput input)
    {
        // The arguments are read before the database is touched.
        Guid id = default;
        if (input.Action == DeadLettersAction.list)
        {
            if (input.Id.Length > 0)
            {
                return Fail($"dead-letters list takes no id ('{input.Id}'); replay or discard one with dead-letters replay|discard <id>.");
            }

            if (input.LimitFlag is < 1 or > FigureRequest.MaxLimit || input.OffsetFlag < 0)
            {
                return Fail($"--limit must be 1 to {FigureRequest.MaxLimit:N0} and --offset 0 or more.");
            }
        }
        else if (!RefusedMessages.TryParseId(input.Id, out id))
        {
            return Fail(input.Id.Length == 0
                ? $"Name the dead letter: dead-letters {input.Action} <id>, with an id as dead-letters list prints it."
                : $"'{input.Id}' is not the id of a dead letter as dead-letters list prints it.");
        }

        using var host = input.BuildHost();
        var services = host.Services;
        // As the host does when it starts: a store never started yet, or last started by an earlier version, is brought up to date.
        await services.GetRequiredService<IDocumentStore>().Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        return input.Action switch
        {
            DeadLettersAction.list => await ListAsync(services.GetRequiredService<RefusedMessages>(), input.LimitFlag, input.OffsetFlag),
            DeadLettersAction.replay => await ReplayAsync(services.GetRequiredService<RefusedMessageReplay>(), id),
            _ => await DiscardAsync(services.GetRequiredService<RefusedMessages>(), id),
        };
    }

    private static async Task<bool> ListAsync(RefusedMessages refused, int limit, int offset)
    {
        var page = await refused.ListAsync(RefusedMessageStates.Refused, offset, limit, CancellationToken.None);
        if (page.Messages.Count == 0)
        {
            Console.WriteLine(page.Total == 0
                ? "No dead letters are waiting."
                : $"No dead letters from {offset + 1:N0} on; {page.Total:N0} are waiting.");
            return true;
        }

        Console.WriteLine($"Dead letters {offset + 1:N0} to {offset + page.Messages.Count:N0} of {page.Total:N0} waiting:");
        Console.WriteLine("id\tfirst refused\tstatus\tfield\tdetail\tbody");
        foreach (var m in page.Messages)
        {
            Console.WriteLine(string.Join('\t',
                m.Id, Format(m.FirstRefusedAt), m.Refusal.Status, OneLine(m.Refusal.Field), OneLine(m.Refusal.Detail), Shortened(m.Body)));
        }

        return true;
    }

    private static async Task<bool> ReplayAsync(RefusedMessageReplay replay, Guid id)
    {
        switch (await replay.ReplayAsync(id, CancellationToken.None))
        {
            case ReplayOutcome.Recorded recorded:
                Console.WriteLine(recorded.RecordedAt is { } at
                    ? $"Replayed dead letter {id}: recorded at {Format(at)}."
                    : $"Replayed dead letter {id}: every event in it was already recorded.");
                foreach (var result in recorded.Results)
                {
                    Console.WriteLine($"  {result.EventId}\t{result.Status}");
                }

                return true;
            case ReplayOutcome.Unreadable { Refusal: var refusal }:
                return RefusedAgain(id, refusal);
            case ReplayOutcome.RefusedAgain { Refusal: var refusal }:
                return RefusedAgain(id, refusal);
            default:
                return NotWaiting(id);
        }
    }

    private static async Task<bool> DiscardAsync(RefusedMessages refused, Guid id)
    {
        if (!await refused.SettleAsync(id, RefusedMessageStates.Discarded, CancellationToken.None))
        {
            return NotWaiting(id);
        }

        Console.WriteLine($"Discarded dead letter {id}: it is no longer listed, and stays on record as discarded.");
        return true;
    }

    private static bool RefusedAgain(Guid id, MessageRefusal refusal) =>
        Fail($"Dead letter {id} was refused again and keeps waiting: {refusal.Status} {OneLine(refusal.Field)}: {OneLine(refusal.Detail)}");

    private static bool NotWaiting(Guid id) => Fail($"No dead letter {id} is waiting to be replayed or discarded.");

    private static bool Fail(string message)
    {
        Console.Error.WriteLine(message);
        return false;
    }

    private static string Format(Instant instant) => InstantPattern.ExtendedIso.Format(instant);

    /// <summary>The body as text on one line, cut to <see cref="BodyWidth"/> characters; a body that is not UTF-8 as base64.</summary>
    private static string Shortened(byte[] body)
    {
        string text;
        try
        {
            text = OneLine(new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(body));
        }
        catch (DecoderFallbackException)
        {
            text = "base64:" + Convert.ToBase64String(body);
        }

        if (text.Length <= BodyWidth)
        {
            return text;
        }

        var cut = char.IsHighSurrogate(text[BodyWidth - 4]) ? BodyWidth - 4 : BodyWidth - 3;
        return string.Concat(text.AsSpan(0, cut), "...");
    }

    /// <summary>Every run of white space or control characters (line breaks, tabs) as one space.</summary>
    private static string OneLine(string text)
    {
        var line = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                if (line.Length > 0 && line[^1] != ' ')
                {
                    line.Append(' ');
                }
            }
            else
            {
                line.Append(c);
            }
        }

        return line.ToString().TrimEnd();
    }
}
