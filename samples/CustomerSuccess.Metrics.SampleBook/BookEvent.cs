namespace CustomerSuccess.Metrics.SampleBook;

internal enum BookEventType : byte
{
    Signed,
    CrossSold,
    Upsold,
    Downsold,
    Renewed,
    Churned,
    Voided,
    RetentionCost,
    NpsAnswered,
    CsatAnswered,
    UsageReported,
    EngagementRecorded,
    RiskFlagged,
    RiskCleared,
    CustomerAssigned,
}

/// <summary>
/// One generated event in compact form. The book is held as an array of these and each is turned into
/// its wire-format JSON only when read, so a million-event book costs tens of megabytes, not gigabytes.
/// </summary>
internal struct BookEvent
{
    /// <summary>1-based customer number; 0 for book-level events (retention costs).</summary>
    public int Customer;

    /// <summary>
    /// Position in the customer's own send order, 1-based: the N of eventId "cust-00042-eN"; for signal events, among the
    /// customer's signals: the N of "cust-00042-sN".
    /// </summary>
    public int Number;

    /// <summary>Order of creation within the customer; breaks ties between events sent the same day.</summary>
    public int Created;

    /// <summary>Contract number within the customer: the N of contractId "cust-00042-cN".</summary>
    public int Contract;

    /// <summary>Effective date (contract and signal events) or date (retention costs), as <see cref="DateOnly.DayNumber"/>.</summary>
    public int EffectiveDay;

    /// <summary>The day the publisher sends the event; later than the effective date only for backdated upsells.</summary>
    public int SendDay;

    /// <summary>Term end as a day number, for openings and renewals; for usage reports, the first day the report covers.</summary>
    public int TermEndDay;

    /// <summary>
    /// ARR (openings, renewals), ARR change (upsell, downsell) or cost amount. Always whole. For usage reports the logins,
    /// for CSAT answers the number of the support ticket answered about.
    /// </summary>
    public long Amount;

    /// <summary>For a void: the <see cref="Number"/> of the voided event of the same customer.</summary>
    public int VoidedNumber;

    public BookEventType Type;

    /// <summary>Billing period of an opening or renewal: 12 is sent as "arr", 1 or 3 as recurringAmount/periodMonths.</summary>
    public byte PeriodMonths;

    /// <summary>
    /// Product index (openings), churn reason index or retention cost category index. For signal events: the respondent
    /// index (survey answers), engagement kind index, risk factor index or CSM index (assignments).
    /// </summary>
    public sbyte Detail;

    /// <summary>
    /// For signal events: the NPS comment index plus one (0: no comment), whether a CSAT answer is on the scale 1-100 (1)
    /// rather than 1-5 (0), the features used (a usage report's bit mask), the CSM index of an engagement, the severity
    /// index of a risk, or the touch model index of an assignment.
    /// </summary>
    public byte Variant;

    /// <summary>For signal events: the score of a survey answer, or the active users of a usage report.</summary>
    public int Value;

    /// <summary>For usage reports: the seats licensed.</summary>
    public int Seats;

    /// <summary>Segment index of the customer object sent with the event, or -1 when none is sent.</summary>
    public sbyte CustomerSegment;

    /// <summary>Marks the second copy of an upsell that is entered twice and later voided.</summary>
    public bool Duplicate;
}
